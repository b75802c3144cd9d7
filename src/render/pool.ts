import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pLimit from 'p-limit'
import { Piscina } from 'piscina'
import { PACKAGE_DIR } from '../config/resolve.js'
import type { DeckInput, RenderResult } from './deck.js'
import type { WorkerSetup, WorkerStart } from './worker.js'
import { MarpSiteError } from '../errors.js'
import type { Problem } from '../problems.js'

export interface RenderPool {
  /** What the workers found when they built their engine: theme problems; throws for a bad default theme. */
  started(): Promise<readonly Problem[]>
  render(input: DeckInput): Promise<RenderResult>
  close(): Promise<void>
}

/** Past this size a worker's heap is a runaway deck, not a big one. */
const WORKER_HEAP_MB = 2048

/**
 * Renders decks on worker threads, one per core. Each deck gets `timeoutMs`; a deck past it (or one
 * that runs its worker out of memory) has its worker stopped and comes back as a problem, and the
 * other decks go on.
 */
export function createRenderPool(setup: WorkerSetup, options: { timeoutMs: number; threads?: number }): RenderPool {
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
  const ready = Promise.all(Array.from({ length: threads }, () => (pool.run(WARM_UP) as Promise<WorkerStart>).catch(() => undefined)))
  const limit = pLimit(threads)
  return {
    async started() {
      const start = (await ready).find((s) => s !== undefined)
      if (start === undefined) throw new MarpSiteError('INTERNAL', 'The render workers could not start')
      if ('error' in start) throw new MarpSiteError(start.error.code, start.error.message)
      return start.problems
    },
    async render(input) {
      await ready
      return limit(() => runOne(input))
    },
    close: () => pool.destroy(),
  }

  async function runOne(input: DeckInput): Promise<RenderResult> {
    try {
      return (await pool.run(input, { signal: AbortSignal.timeout(options.timeoutMs) })) as RenderResult
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
export const WARM_UP = { warmUp: true } as const

/** The compiled worker: lib/render/worker.js beside this file, or in the package when run from src/. */
function workerFile(): string {
  const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js')
  return existsSync(here) ? here : path.join(PACKAGE_DIR, 'lib', 'render', 'worker.js')
}
