import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pLimit from 'p-limit'
import { Piscina } from 'piscina'
import { PACKAGE_DIR } from '../config/resolve.js'
import type { DeckInput, RenderResult } from './deck.js'
import type { KeyedSetup, WorkerStart, WorkerTask } from './worker.js'
import { MarpSiteError } from '../errors.js'
import type { Problem } from '../problems.js'

export interface RenderPool {
  /** Builds an engine for `setup` on a worker: its theme problems; throws for a default theme that is not registered. */
  check(setup: KeyedSetup): Promise<readonly Problem[]>
  render(input: DeckInput, setup: KeyedSetup): Promise<RenderResult>
  close(): Promise<void>
}

/** Past this size a worker's heap is a runaway deck, not a big one. */
const WORKER_HEAP_MB = 2048

/**
 * Renders decks on worker threads, one per core. Each deck gets `timeoutMs`; a deck past it (or one
 * that runs its worker out of memory) has its worker stopped and comes back as a problem, and the
 * other decks go on.
 */
export function createRenderPool(setup: KeyedSetup, options: { timeoutMs: number; threads?: number }): RenderPool {
  const threads = Math.max(1, options.threads ?? availableParallelism())
  const pool = new Piscina({
    filename: workerFile(),
    workerData: setup,
    // Started now, so that loading marp-core in each worker overlaps the build's other start-up work.
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  })
  // A worker that dies fails its task, which render() reports; the pool's own event must not throw.
  pool.on('error', () => undefined)
  // The time limit is for rendering, not for waiting: wait until every worker has loaded marp-core,
  // then hand out one deck per worker at a time, so a deck's clock starts when a worker takes it.
  const ready = Promise.all(Array.from({ length: threads }, () => pool.run(WARM_UP).catch(() => undefined)))
  const limit = pLimit(threads)
  return {
    async check(keyed) {
      await ready
      const start = (await limit(() => pool.run({ check: keyed } satisfies WorkerTask, { signal: AbortSignal.timeout(options.timeoutMs) }))) as WorkerStart
      if ('error' in start) throw new MarpSiteError(start.error.code, start.error.message)
      return start.problems
    },
    async render(input, keyed) {
      await ready
      return limit(() => runOne(input, keyed))
    },
    close: () => pool.destroy(),
  }

  async function runOne(input: DeckInput, keyed: KeyedSetup): Promise<RenderResult> {
    try {
      return (await pool.run({ render: input, with: keyed } satisfies WorkerTask, { signal: AbortSignal.timeout(options.timeoutMs) })) as RenderResult
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string }
      const seconds = Math.round(options.timeoutMs / 1000)
      const message =
        e.name === 'AbortError' || e.name === 'TimeoutError'
          ? `render exceeded ${seconds} s and was stopped (Marpit is slow on some inputs: huge slides, thousands of slides, or many nested comments); deck not built`
          : e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `render ran out of memory (over ${WORKER_HEAP_MB} MB); deck not built`
            : `render failed: ${e.message ?? String(error)}; deck not built`
      return { ok: false, problems: [{ file: input.source, rule: 'render-error', severity: 'error', message }] }
    }
  }
}

/** A task that only makes sure a worker has started (see worker.ts). */
export const WARM_UP: WorkerTask = { warmUp: true }

/** The compiled worker: lib/render/worker.js beside this file, or in the package when run from src/. */
function workerFile(): string {
  const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js')
  return existsSync(here) ? here : path.join(PACKAGE_DIR, 'lib', 'render', 'worker.js')
}
