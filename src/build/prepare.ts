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
import type { MediaPlan } from '../media/plan.js'
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
  /** The browser the outputs are made with (PDFs, media), when there are any to make and one was found. */
  readonly browser: FoundBrowser | undefined
  /** PDFs are made (a browser was found, and PDFs are not off). */
  readonly pdfs: boolean
  /** What the config asks of each deck's pictures (thumbnail, slide images, PPTX). */
  readonly plan: MediaPlan
  /** This build takes them: a browser, and not dev or check. */
  readonly takesMedia: boolean
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
  // Slide images and PPTX are asked for by name (config or --pptx): they need a browser as `--pdf` does.
  // Dev and check take no pictures (dev keeps those still current; its thumbnails are the live pages).
  const plan = mediaPlan(config)
  const mediaAsked = context.media !== false && (plan.images !== undefined || plan.pptx)
  if (config.pdf.mode !== 'off' || mediaAsked || cards) {
    browser = await findBrowser(config.pdf.browserPath, env, context.browserCandidates)
    if (!browser && (config.pdf.mode === 'on' || mediaAsked)) {
      const what = config.pdf.mode === 'on' ? 'PDFs were' : config.pptx ? 'PPTX files were' : 'Slide images were'
      throw new MarpSiteError('BROWSER', `${what} requested but no browser was found. ${INSTALL_HINT}`)
    }
    if (!browser && config.pdf.mode !== 'off') {
      notices.push(
        `No Chromium, Chrome or Edge found, so no PDFs${cards ? ' or social cards' : ''} were made. ${INSTALL_HINT}; or pass --no-pdf to skip PDFs quietly.`,
      )
    } else if (!browser) {
      notices.push(`No Chromium, Chrome or Edge found, so no social cards were made (shared links show no picture). ${INSTALL_HINT}.`)
    }
  }
  const pdfs = browser !== undefined && config.pdf.mode !== 'off'
  const takesMedia = browser !== undefined && context.media !== false
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
  return { themes, decks, reads, inputs, browser, pdfs, plan, takesMedia, notices, setup, tool, setupKey, templatesKey, inputsKey }
}

/** The config's plan for each deck's pictures. The PPTX has the speaker notes only when they are public. */
export function mediaPlan(config: Pick<ResolvedConfig, 'images' | 'pptx' | 'notes'>): MediaPlan {
  return { images: config.images, pptx: config.pptx, pptxNotes: notesArePublic(config) }
}
