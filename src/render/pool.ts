import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { PACKAGE_DIR } from '../config/resolve.js'
import type { DeckInput, RenderResult } from './deck.js'
import type { WorkerSetup } from './worker.js'

export interface RenderPool {
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
  const pool = new Piscina({
    filename: workerFile(),
    workerData: setup,
    minThreads: 0,
    maxThreads: options.threads ?? Math.max(1, availableParallelism()),
    idleTimeout: 1000,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  })
  return {
    async render(input) {
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
    },
    close: () => pool.destroy(),
  }
}

/** The compiled worker: lib/render/worker.js beside this file, or in the package when run from src/. */
function workerFile(): string {
  const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js')
  return existsSync(here) ? here : path.join(PACKAGE_DIR, 'lib', 'render', 'worker.js')
}
