import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Cache } from '../cache/store.js'
import type { ResolvedConfig } from '../config/types.js'
import { swallowed } from '../log.js'
import { commitSite, previousPages } from './commit.js'
import type { BuildContext, BuildOptions, BuildResult } from './options.js'
import { makeOutputs, warmOutputs } from './outputs.js'
import { prepare, type Prepared } from './prepare.js'
import { startRendering } from './render.js'
import { RenderQueue, workersFor } from './renders.js'
import { openSite, type OpenSite } from './site.js'
import { lastResultIfUpToDate, recordStamp } from './stamp.js'
import { writeDecks } from './write.js'

export type { BuildContext, BuildOptions, BuildProgress, BuildResult } from './options.js'
export { BuildSession } from './session.js'
export { workersFor } from './renders.js'

/**
 * The pipeline: config (already resolved) → prepare (discover, read) → render → write → outputs (PDF)
 * → commit. Deck problems do not stop it; a broken template, config or out dir does (nothing is
 * written then).
 *
 * With a cache dir, a build whose every input is unchanged since the last build of the same out dir,
 * and whose out dir is as that build left it, does nothing and reports that build's result (see
 * stamp.ts); otherwise only decks whose render is not in the cache are rendered, and render workers
 * start only when there are such decks.
 */
export function build(config: ResolvedConfig, options: BuildOptions = {}): Promise<BuildResult> {
  return buildWith(config, options, {})
}

/** `build` with what only dev, check, the CLI and tests give it (see BuildContext). */
export async function buildWith(config: ResolvedConfig, options: BuildOptions, context: BuildContext): Promise<BuildResult> {
  const started = performance.now()
  const cache = config.cacheDir === undefined ? undefined : new Cache(config.cacheDir)
  const prepared = await prepare(config, options, context)
  // A session (dev) never stops at "up to date": its first build loads the templates and the cached
  // renders it keeps for the edits that follow.
  const stamped = cache && context.stamp !== false && !context.session
  const last = stamped ? await lastResultIfUpToDate(cache, config.outDir, prepared.inputsKey) : undefined
  if (last) {
    void context.early?.close()
    return { ...last, upToDate: true, rendered: 0, durationMs: performance.now() - started }
  }

  const { session } = context
  const renders = new RenderQueue(config, prepared.setup, prepared.setupKey, prepared.tool, cache, session, context.threads, context.early)
  try {
    const { assets, ...result } = await runPhases(config, options, context, prepared, renders, cache)
    const final: BuildResult = { ...result, durationMs: performance.now() - started }
    // In dev, a render worker is kept warm even when every deck came from the cache, so that the
    // first edit does not wait for one to start (about a second); started now, in the background.
    if (session && !renders.started) {
      const threads = context.threads ?? workersFor(prepared.decks.decks.length, availableParallelism())
      // A pool that fails to start here fails again, with its error, on the first deck that needs it.
      void session.poolFor(renders.keyed, config.renderTimeoutMs, threads).catch(swallowed('render', 'warming a render thread for dev'))
    }
    if (cache) {
      // A deck stopped by a time limit (render or print) may succeed next time: such a build is never "up to date".
      const stopped = final.problems.some((p) => p.rule === 'render-error' || p.rule === 'pdf-error')
      if (context.stamp !== false && !stopped) {
        const record = () => recordStamp(cache, config.root, config.outDir, prepared.inputsKey, assets, final)
        // In dev, rebuilds follow each other: only the last one's fingerprint is worth the stat calls.
        if (session) session.onClose(record)
        else await record()
      } else {
        session?.onClose(undefined)
      }
      // What printing found is only pruned by a build that printed: an HTML-only build keeps it.
      await Promise.all([cache.prune('renders'), cache.prune('styles'), cache.prune('themes'), ...(prepared.pdfs ? [cache.prune('prints')] : [])])
    }
    return final
  } finally {
    await renders.close()
  }
}

async function runPhases(
  config: ResolvedConfig,
  options: BuildOptions,
  context: BuildContext,
  prepared: Prepared,
  renders: RenderQueue,
  cache: Cache | undefined,
) {
  const { signal } = options
  const previous = await previousPages(config, context, cache)
  const rendering = await startRendering(config, prepared, renders)
  const warm = warmOutputs(config, prepared, rendering.toRender)
  let site: OpenSite
  try {
    site = await openSite(config, context, prepared, renders, signal)
  } catch (error) {
    await warm.close()
    throw error
  }
  // A build's own pool is stopped on abort, so that a long render does not hold up Ctrl-C.
  const stop = () => void renders.close()
  signal?.addEventListener('abort', stop)
  try {
    const written = await writeDecks(config, options, prepared, site, rendering, previous, async () => {
      await renders.close()
      context.session?.pruneRenders(prepared.decks.decks.length)
    })
    const outputs = await makeOutputs(config, options, prepared, written.pages, site.staging, warm, cache)
    return await commitSite(config, options, context, prepared, site, written, outputs, cache, renders.rendered)
  } catch (error) {
    await site.staging.discard()
    throw error
  } finally {
    signal?.removeEventListener('abort', stop)
    await warm.close()
  }
}
