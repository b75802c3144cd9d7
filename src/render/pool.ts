import { availableParallelism } from 'node:os'
import pLimit from 'p-limit'
import type { Piscina } from 'piscina'
import { startThreads, WORKER_HEAP_MB } from './threads.js'
import type { DeckInput, RenderResult } from './deck.js'
import type { KeyedSetup, WorkerStart, WorkerTask } from './worker.js'
import { MarpSiteError } from '../errors.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { swallowed } from '../log.js'

export interface RenderPool {
  /** Builds an engine for `setup` on a worker: its theme problems; throws for a default theme that is not registered. */
  check(setup: KeyedSetup): Promise<readonly Problem[]>
  render(input: DeckInput, setup: KeyedSetup): Promise<RenderResult>
  close(): Promise<void>
}

/**
 * Renders decks on worker threads, one per core. Each deck gets `timeoutMs`; a deck past it (or one
 * that runs its worker out of memory) has its worker stopped and comes back as a problem, and the
 * other decks go on.
 */
export function createRenderPool(setup: KeyedSetup, options: { timeoutMs: number; threads?: number; started?: Piscina | undefined }): RenderPool {
  const threads = Math.max(1, options.threads ?? availableParallelism())
  // Started now (unless already started), so that loading marp-core in each worker overlaps the
  // build's other start-up work.
  const pool = options.started ?? startThreads(threads, threads)
  // The time limit is for rendering, not for waiting: wait until every worker has loaded marp-core
  // and warmed up, then hand out one deck per worker at a time, so a deck's clock starts when a
  // worker takes it. A worker stopped with a deck (time limit, memory) is replaced by a fresh one,
  // which warms up the same way before the next deck's clock starts.
  const warmUp: WorkerTask = { warmUp: setup }
  // A worker that fails to warm up fails the first deck it is given, which reports it.
  const warmAll = () => Promise.all(Array.from({ length: threads }, () => pool.run(warmUp).catch(swallowed('render', 'warming up a render thread'))))
  let ready = warmAll()
  const limit = pLimit(threads)
  return {
    check: (keyed) =>
      limit(async () => {
        await ready
        const start = (await pool.run({ check: keyed } satisfies WorkerTask, { signal: AbortSignal.timeout(options.timeoutMs) })) as WorkerStart
        if ('error' in start) throw new MarpSiteError(start.error.code, start.error.message)
        return start.problems
      }),
    render: (input, keyed) =>
      limit(async () => {
        await ready
        return runOne(input, keyed)
      }),
    close: () => pool.destroy(),
  }

  async function runOne(input: DeckInput, keyed: KeyedSetup): Promise<RenderResult> {
    try {
      return (await pool.run({ render: input, with: keyed } satisfies WorkerTask, { signal: AbortSignal.timeout(options.timeoutMs) })) as RenderResult
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string }
      const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError'
      const outOfMemory = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      if (timedOut || outOfMemory) ready = warmAll()
      const seconds = Math.round(options.timeoutMs / 1000)
      const message = timedOut
        ? `render exceeded ${seconds} s and was stopped (Marpit is slow on some inputs: huge slides, thousands of slides, or many nested comments); deck not built. To give decks longer, raise renderTimeout in the config`
        : outOfMemory
          ? `render ran out of memory (over ${WORKER_HEAP_MB} MB); deck not built`
          : `render failed: ${e.message ?? String(error)}; deck not built`
      return { ok: false, problems: [problem('render-error', { file: input.source }, message)] }
    }
  }
}
