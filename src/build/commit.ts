import type { Cache } from '../cache/store.js'
import type { ResolvedConfig } from '../config/types.js'
import { digest } from '../hash.js'
import type { Problem } from '../problems.js'
import { applyRules } from '../rules.js'
import { GENERATOR } from '../version.js'
import type { PageRecords } from '../write/site.js'
import type { BuildContext, BuildOptions, BuildResult } from './options.js'
import type { Outputs } from './outputs.js'
import type { Prepared } from './prepare.js'
import type { OpenSite } from './site.js'
import type { WrittenDecks } from './write.js'

export const URL_HINT =
  'set `url` in the config to the address the site is served from (https://…/) for social cards, Open Graph tags, canonical links, sitemap.xml and feed.xml'

/** The pages of the last build of an out dir, reused where their inputs are the same (see write/site.ts). */
export function pagesKey(config: ResolvedConfig): string {
  return digest('pages', config.outDir)
}

export async function previousPages(config: ResolvedConfig, context: BuildContext, cache: Cache | undefined): Promise<PageRecords | undefined> {
  return cache && context.stamp !== false ? cache.get<PageRecords>('pages', pagesKey(config)) : undefined
}

/**
 * Phase 5: the index and manifest are written (with the outputs that were made), the new site is
 * swapped in (or, in place, what this build did not make is removed), and what the next build may
 * reuse is kept. Returns the build's result, with the local files its decks link.
 */
export async function commitSite(
  config: ResolvedConfig,
  options: BuildOptions,
  context: BuildContext,
  prepared: Prepared,
  site: OpenSite,
  written: WrittenDecks,
  outputs: Outputs,
  cache: Cache | undefined,
  rendered: number,
): Promise<Omit<BuildResult, 'durationMs'> & { assets: ReadonlySet<string> }> {
  const { outcomes } = written
  const { session } = context
  // Problems found while making the outputs follow the same switches as the deck's others.
  const rulesOf = new Map(outcomes.flatMap((o) => (o.kind === 'rendered' ? [[o.deck.slug, o.deck.meta.rules] as const] : [])))
  for (const [slug, list] of outputs.problems) outputs.problems.set(slug, applyRules(list, config.rules, rulesOf.get(slug)))
  const siteProblems = applyRules([...prepared.themes.problems, ...site.themeProblems, ...prepared.decks.problems], config.rules)
  const finished = await written.pages.finish(outputs.pdfs, outputs.problems, siteProblems, outputs.media)
  options.signal?.throwIfAborted()
  await site.staging.commit()
  const kept = session && site.staging.remember({ generator: GENERATOR, decks: finished.decks, problems: finished.problems })
  if (session && kept) session.site = { outDir: config.outDir, memory: kept, index: finished.index }
  if (cache && context.stamp !== false) await cache.set('pages', pagesKey(config), finished.pages)

  const problems: Problem[] = [...siteProblems, ...outcomes.flatMap((o) => o.problems), ...[...outputs.problems.values()].flat()]
  const assets = new Set<string>()
  for (const o of outcomes) if (o.kind === 'rendered') for (const ref of o.deck.refs) assets.add(ref.source)
  return {
    outDir: config.outDir,
    found: prepared.decks.decks.length,
    decks: finished.decks,
    problems,
    slides: outcomes.reduce((n, o) => n + (o.kind === 'rendered' ? o.deck.slides.length : 0), 0),
    kept: finished.kept,
    notices: prepared.notices,
    hints: config.publish && config.baseUrl === undefined ? [URL_HINT] : [],
    pdf: { printed: outputs.printed, reused: outputs.reused, browser: prepared.browser?.path },
    deckRules: Object.fromEntries(
      outcomes.flatMap((o) => (o.kind === 'rendered' && Object.keys(o.deck.meta.rules).length > 0 ? [[o.deck.source, o.deck.meta.rules]] : [])),
    ),
    slideLines: Object.fromEntries(outcomes.flatMap((o) => (o.kind === 'rendered' ? [[o.deck.source, o.deck.meta.slideLines]] : []))),
    upToDate: false,
    rendered,
    assets,
  }
}
