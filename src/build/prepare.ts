import pLimit from 'p-limit'
import { toolKey, treeContents } from '../cache/fingerprint.js'
import { PACKAGE_DIR } from '../config/resolve.js'
import type { ResolvedConfig } from '../config/types.js'
import { discoverDecks, readDeck, type DeckSource, type ReadResult } from '../discover/decks.js'
import { discoverThemes } from '../discover/themes.js'
import { MarpSiteError } from '../errors.js'
import { digest } from '../hash.js'
import { findBrowser, INSTALL_HINT, type FoundBrowser } from '../browser/find.js'
import type { Problem } from '../problems.js'
import { notesArePublic } from '../publish/notes.js'
import { makesCards } from '../publish/social.js'
import type { DeckInput } from '../render/deck.js'
import type { WorkerSetup } from '../render/worker.js'
import { GENERATOR } from '../version.js'
import type { BuildContext, BuildOptions } from './options.js'

/** What the first phase finds: the project's decks and themes, read, with the keys of what the build depends on. */
export interface Prepared {
  readonly themes: Awaited<ReturnType<typeof discoverThemes>>
  /** The decks listed and still there when read, with the problems of listing them. */
  readonly decks: { readonly decks: readonly DeckSource[]; readonly problems: readonly Problem[] }
  readonly reads: readonly ReadResult[]
  /** Each deck's render input, or undefined when it could not be read. */
  readonly inputs: readonly (DeckInput | undefined)[]
  readonly browser: FoundBrowser | undefined
  readonly notices: string[]
  readonly setup: WorkerSetup
  /** What identifies marp-site itself (see toolKey). */
  readonly tool: string
  /** Digest of the setup the decks render with (themes, default theme, options) and of marp-site. */
  readonly setupKey: string
  /** Digest of the template files. */
  readonly templatesKey: string
  /** Digest of every input of the build (see build/stamp.ts). */
  readonly inputsKey: string
}

/** Phase 1: discover the themes and decks, read the decks, find a browser when PDFs or social cards are wanted. */
export async function prepare(config: ResolvedConfig, options: BuildOptions, context: BuildContext): Promise<Prepared> {
  const env = options.env ?? process.env
  const themes = await discoverThemes(config.root, config.themesDir, config.builtin.themesDir, config.themes)
  const skip = [config.outDir, ...(config.cacheDir === undefined ? [] : [config.cacheDir])]
  const listed = await discoverDecks(config.root, config.slidesDir, config.exclude, skip)
  const notices: string[] = [...config.notices]
  if (config.notesFile && !notesArePublic(config)) {
    notices.push(
      'Speaker notes are private (notes: private, or --no-notes), so no notes files were written; build with --with-notes into another out dir for your own copy.',
    )
  }
  let browser: FoundBrowser | undefined
  const cards = makesCards(config)
  if (config.pdf.mode !== 'off' || cards) {
    browser = await findBrowser(config.pdf.browserPath, env, context.browserCandidates)
    if (!browser && config.pdf.mode === 'on') {
      throw new MarpSiteError('BROWSER', `PDFs were requested but no browser was found. ${INSTALL_HINT}`)
    }
    if (!browser && config.pdf.mode !== 'off') {
      notices.push(
        `No Chromium, Chrome or Edge found, so no PDFs${cards ? ' or social cards' : ''} were made. ${INSTALL_HINT}; or pass --no-pdf to skip PDFs quietly.`,
      )
    } else if (!browser) {
      notices.push(`No Chromium, Chrome or Edge found, so no social cards were made (shared links show no picture). ${INSTALL_HINT}.`)
    }
  }
  // Bounded, so that a site of thousands of decks stays under the open-file limit.
  const reading = pLimit(32)
  const read = await Promise.all(listed.decks.map((source) => reading(() => readDeck(source))))
  options.signal?.throwIfAborted()
  // A deck deleted or renamed between listing and reading (a checkout, an editor's save) is no longer
  // a deck: left out as if it had not been listed (its new name, if any, is the next build's).
  // With `marpOnly`, a file whose front-matter does not say `marp: true` is not a deck (as in VS Code);
  // the front-matter is read as the render reads it (loaded only then).
  const frontMatter = config.marpOnly ? (await import('../render/frontmatter.js')).parseFrontMatter : undefined
  const here = read.map((r) => (r.ok ? !frontMatter || frontMatter(r.text).data['marp'] === true : !r.gone))
  const decks = { ...listed, decks: listed.decks.filter((_, i) => here[i]) }
  const reads = read.filter((_, i) => here[i])
  const inputs = decks.decks.map((source, i): DeckInput | undefined => {
    const r = reads[i]
    return r?.ok ? { markdown: r.text, source: source.source, slug: source.slug } : undefined
  })

  const engine = config.engine === undefined ? undefined : await (await import('../render/engine-module.js')).locateEngine(config.root, config.engine)
  const setup: WorkerSetup = { themes: themes.themes, defaultTheme: config.theme, marp: config.marp, ...(engine ? { engine } : {}) }
  const tool = context.toolKey ?? (await toolKey(PACKAGE_DIR, GENERATOR))
  const setupKey = digest(tool, setup)
  const templatesKey = await treeContents([config.templatesDir, config.builtin.templatesDir])
  const inputsKey = digest(
    setupKey,
    config,
    templatesKey,
    decks,
    reads.map((r) => (r.ok ? digest(r.text) : r.problem)),
    browser?.path ?? null,
    env['SOURCE_DATE_EPOCH'] ?? null,
  )
  return { themes, decks, reads, inputs, browser, notices, setup, tool, setupKey, templatesKey, inputsKey }
}
