import type { ResolvedConfig } from '../config/types.js'
import { createAssetChecker } from '../discover/assets.js'
import type { DeckSource } from '../discover/decks.js'
import type { Problem } from '../problems.js'
import type { RenderResult } from '../render/deck.js'
import { linkDecks } from '../render/links.js'
import { applyRules } from '../rules.js'
import type { DeckOutcome } from '../write/site.js'
import type { Prepared } from './prepare.js'
import type { RenderQueue } from './renders.js'

/** Renders under way: each deck's outcome on demand, from the cache or the render threads. */
export interface Rendering {
  /** Decks that need rendering (not in the session or the cache). */
  readonly toRender: number
  /** The deck's render, its assets checked and its links to other decks resolved, problems switched by the rules. */
  outcome(source: DeckSource, index: number, signal: AbortSignal | undefined): Promise<DeckOutcome>
}

/** Phase 2: looks up every deck's render, and starts the render threads when some must be made. */
export async function startRendering(config: ResolvedConfig, prepared: Prepared, renders: RenderQueue): Promise<Rendering> {
  const { decks, reads, inputs } = prepared
  const fromCache = await Promise.all(inputs.map((input) => (input ? renders.cached(input) : undefined)))
  const toRender = inputs.filter((input, i) => input && !fromCache[i]).length
  // Workers load marp-core while this thread loads the templates.
  if (toRender > 0) void renders.start(toRender)
  const checkAssets = createAssetChecker(config.root)
  const slugs = new Map(decks.decks.map((d) => [d.source, d.slug]))

  async function outcome(source: DeckSource, i: number, signal: AbortSignal | undefined): Promise<DeckOutcome> {
    signal?.throwIfAborted()
    const read = reads[i]
    const input = inputs[i]
    if (!read?.ok || !input) return { kind: 'failed', source, problems: read && !read.ok ? [read.problem] : [] }
    const rendered: RenderResult = fromCache[i] ?? (await renders.render(input))
    signal?.throwIfAborted()
    if (!rendered.ok) return { kind: 'failed', source, problems: rendered.problems }
    const assets = await checkAssets(source.source, rendered.deck.refs)
    const linked = linkDecks(rendered.deck, slugs)
    const problems = applyRules([...rendered.deck.problems, ...assets.problems, ...linked.problems].sort(byLine), config.rules, rendered.deck.meta.rules)
    return { kind: 'rendered', deck: linked.deck, copies: assets.copies, problems }
  }
  return { toRender, outcome }
}

function byLine(a: Problem, b: Problem): number {
  return (a.line ?? 0) - (b.line ?? 0)
}
