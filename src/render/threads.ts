import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { swallowed } from '../log.js'

/** Past this size a worker's heap is a runaway deck, not a big one. */
export const WORKER_HEAP_MB = 2048

/**
 * Marpit hands all the tokens of a slide to one function call as arguments (wrapping each slide in its
 * inline SVG), so a slide of a few hundred thousand tokens (a 1000×200 table, a 100,000-item list)
 * overflows a thread's default 4 MB stack; with 32 MB such slides render (in 2–3 s here).
 */
export const WORKER_STACK_MB = 32

/**
 * Render worker threads (see worker.ts), at least one started now. They carry no setup: each task
 * names the themes it is for, so threads can start before the config is read.
 */
export function startThreads(minThreads = 1, maxThreads = availableParallelism()): Piscina {
  const pool = new Piscina({
    // The compiled worker, from lib/ or from src/ (tests): the package keeps both side by side.
    filename: fileURLToPath(new URL('../../lib/render/worker-main.js', import.meta.url)),
    minThreads: Math.min(minThreads, maxThreads),
    maxThreads,
    idleTimeout: 1000,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, stackSizeMb: WORKER_STACK_MB },
  })
  // A worker that dies fails its task, which the render pool reports; the pool's own event must not throw.
  pool.on('error', swallowed('render', 'a render thread died'))
  return pool
}

/**
 * Threads started by the CLI as it starts, before it has read the config or knows whether any deck
 * needs rendering (loading marp-core takes a worker ~0.5 s, most of which then overlaps the CLI's own
 * start). A build takes them over (`take`); otherwise `close` stops them.
 */
export interface EarlyThreads {
  take(): Piscina | undefined
  close(): Promise<void>
}

export function startEarlyThreads(): EarlyThreads {
  let pool: Piscina | undefined = startThreads()
  const take = () => {
    const taken = pool
    pool = undefined
    return taken
  }
  // Threads no build took over have nothing to finish: one that fails to stop ends with the process.
  return { take, close: async () => void (await take()?.destroy().catch(swallowed('render', 'stopping the early render threads'))) }
}
