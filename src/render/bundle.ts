/**
 * The render worker's code as one script with a V8 code cache beside it, both made when lib/ is
 * compiled (scripts/build-worker.mjs). Most of a worker's start is V8 compiling marp-core and its
 * ~300 modules, and its first render compiling the code a render runs; with the cache (made after a
 * warm-up render, so it holds that code too) a worker is ready ~0.3 s sooner. A cache made by another
 * Node.js is rejected by V8 and the script compiles as usual.
 */
import { readFileSync } from 'node:fs'
import nodeModule, { createRequire } from 'node:module'
import path from 'node:path'
import { Script } from 'node:vm'

export const BUNDLE_NAME = 'worker.bundle.cjs'
export const CACHE_NAME = 'worker.bundle.cache'

export interface LoadedBundle {
  readonly exports: Record<string, unknown>
  readonly script: Script
  /** Whether V8 took the code cache. */
  readonly cached: boolean
}

/** Runs the bundle in `dir` (throws when it is not there), with its code cache unless `cache` is false. */
export function loadBundle(dir: string, cache = true): LoadedBundle {
  const file = path.join(dir, BUNDLE_NAME)
  const source = readFileSync(file, 'utf8')
  let cachedData: Buffer | undefined
  if (cache) {
    try {
      cachedData = readFileSync(path.join(dir, CACHE_NAME))
    } catch {
      // No cache: compiled as usual.
    }
  }
  const script = new Script(nodeModule.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) })
  const module = { exports: {} as Record<string, unknown> }
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void
  wrapper(module.exports, createRequire(file), module, file, dir)
  return { exports: module.exports, script, cached: cachedData !== undefined && !script.cachedDataRejected }
}
