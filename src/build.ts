import { performance } from 'node:perf_hooks'
import type { ResolvedConfig } from './config/types.js'
import { createAssetChecker } from './discover/assets.js'
import { discoverDecks, readDeck } from './discover/decks.js'
import { discoverThemes } from './discover/themes.js'
import type { Problem } from './problems.js'
import { renderDeck } from './render/deck.js'
import { createEngine } from './render/engine.js'
import { loadTemplates } from './template/engine.js'
import { GENERATOR } from './version.js'
import type { ManifestDeck } from './write/manifest.js'
import { openStaging } from './write/outdir.js'
import { writeSite, type DeckOutcome } from './write/site.js'

export interface BuildOptions {
  /** Aborting stops the build and leaves the previous site as it was. */
  readonly signal?: AbortSignal
  /** Called after each deck is rendered. */
  readonly onDeck?: (event: { done: number; total: number; source: string }) => void
}

export interface BuildResult {
  readonly outDir: string
  readonly decks: readonly ManifestDeck[]
  /** Every problem: per deck, per theme, and decks that could not be listed. */
  readonly problems: readonly Problem[]
  readonly slides: number
  /** Sources of decks that failed and kept their previous page. */
  readonly kept: readonly string[]
  readonly durationMs: number
}

/**
 * The pipeline: config (already resolved) → discover → render → template → write.
 * Deck problems do not stop it; a broken template, config or out dir does (nothing is written then).
 */
export async function build(config: ResolvedConfig, options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now()
  const { signal } = options

  const themes = await discoverThemes(config.root, config.themesDir, config.builtin.themesDir)
  const engine = createEngine({ themes: themes.themes, defaultTheme: config.theme, marp: config.marp })
  const templates = await loadTemplates({ root: config.root, dirs: [config.templatesDir, config.builtin.templatesDir] })
  const found = await discoverDecks(config.root, config.slidesDir)
  signal?.throwIfAborted()

  const staging = await openStaging(config.outDir)
  try {
    const checkAssets = createAssetChecker(config.root)
    const outcomes: DeckOutcome[] = []
    for (const [i, source] of found.decks.entries()) {
      signal?.throwIfAborted()
      const read = await readDeck(source)
      if (!read.ok) {
        outcomes.push({ kind: 'failed', source, problems: [read.problem] })
      } else {
        const rendered = renderDeck(engine, { markdown: read.text, source: source.source, slug: source.slug })
        if (!rendered.ok) {
          outcomes.push({ kind: 'failed', source, problems: rendered.problems })
        } else {
          const assets = await checkAssets(source.source, rendered.deck.refs)
          outcomes.push({
            kind: 'rendered',
            deck: rendered.deck,
            copies: assets.copies,
            problems: [...rendered.deck.problems, ...assets.problems].sort(byLine),
          })
        }
      }
      options.onDeck?.({ done: i + 1, total: found.decks.length, source: source.source })
    }

    const written = await writeSite({ config, staging, templates, outcomes, generator: GENERATOR, signal })
    signal?.throwIfAborted()
    await staging.commit()

    const problems = [...themes.problems, ...engine.problems, ...found.problems, ...outcomes.flatMap((o) => o.problems)]
    return {
      outDir: config.outDir,
      decks: written.decks,
      problems,
      slides: outcomes.reduce((n, o) => n + (o.kind === 'rendered' ? o.deck.slides.length : 0), 0),
      kept: written.kept,
      durationMs: performance.now() - started,
    }
  } catch (error) {
    await staging.discard()
    throw error
  }
}

function byLine(a: Problem, b: Problem): number {
  return (a.line ?? 0) - (b.line ?? 0)
}
