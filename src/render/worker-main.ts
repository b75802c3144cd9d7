/**
 * What the render pool starts on each worker thread: the bundled worker with its code cache (see
 * bundle.ts), or the worker module itself when lib/ was compiled without the bundle (`tsc` alone).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadBundle } from './bundle.js'
import type { WorkerTask } from './worker.js'

type Run = (task: WorkerTask) => unknown

async function load(): Promise<Run> {
  try {
    const { exports } = loadBundle(path.dirname(fileURLToPath(import.meta.url)))
    return exports['default'] as Run
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    return (await import('./worker.js')).default as Run
  }
}

export default await load()
