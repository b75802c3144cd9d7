import type { ResolvedConfig } from '../config/types.js'
import { swallowed } from '../log.js'
import { makesCards } from '../publish/social.js'
import { GENERATOR } from '../version.js'
import { openSiteWriter, type DeckOutcome, type PageRecords, type WrittenPages } from '../write/site.js'
import type { BuildOptions } from './options.js'
import type { Prepared } from './prepare.js'
import type { Rendering } from './render.js'
import type { OpenSite } from './site.js'

export interface WrittenDecks {
  /** Each deck's outcome, in the decks' order. */
  readonly outcomes: readonly DeckOutcome[]
  /** The pages written, and what to finish them with (index, manifest) once the outputs are made. */
  readonly pages: WrittenPages
}

/**
 * Phase 3: each deck's pages are written into the out dir (staging or in place) as soon as its render
 * arrives, while the others render; then the shared files.
 */
export async function writeDecks(
  config: ResolvedConfig,
  options: BuildOptions,
  prepared: Prepared,
  site: OpenSite,
  rendering: Rendering,
  previous: PageRecords | undefined,
  /** Called once every deck is rendered, before the shared files are settled (the render threads can stop). */
  rendered: () => Promise<void>,
): Promise<WrittenDecks> {
  const { signal } = options
  const { decks } = prepared.decks
  const writer = await openSiteWriter({
    config,
    staging: site.staging,
    templates: site.templates,
    generator: GENERATOR,
    withPdf: prepared.pdfs,
    withCards: prepared.browser !== undefined && makesCards(config),
    date: buildDate(options.env ?? process.env),
    media: { plan: prepared.plan, browser: prepared.takesMedia ? prepared.browser?.path : undefined },
    signal,
    templatesKey: prepared.templatesKey,
    previous,
    previousIndex: site.last?.index,
  })
  let done = 0
  const settled = await Promise.allSettled(
    decks.map(async (source, i): Promise<DeckOutcome> => {
      const outcome = await rendering.outcome(source, i, signal)
      await writer.add(outcome, i)
      done += 1
      options.onProgress?.({ phase: 'render', done, total: decks.length, source: source.source })
      return outcome
    }),
  )
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) {
    // Every write settles before the staging folder is thrown away; the first failure is the one reported.
    await writer.close().catch(swallowed('write', 'settling the writes of a failed build'))
    throw failed.reason
  }
  const outcomes = settled.map((r) => (r as PromiseFulfilledResult<DeckOutcome>).value)
  await rendered()
  return { outcomes, pages: await writer.close() }
}

/** SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
function buildDate(env: NodeJS.ProcessEnv): Date {
  const epoch = env['SOURCE_DATE_EPOCH']
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date()
}
