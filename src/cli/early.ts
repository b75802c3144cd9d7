import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { findProjectRoot } from '../config/root.js'

/**
 * Decks render on worker threads that take ~0.5 s to load marp-core. For `dev`, and for a build or
 * check that will most likely render (the project's first, or a deck was saved since the last one),
 * one is started before anything else, to load it while this thread loads the CLI and reads the
 * config. Not otherwise: a build with nothing to render is over in a fraction of a second, and a
 * thread it does not need costs it more than it saves. Only a hint, worked out before the CLI parses
 * the arguments (it looks at `<root>/slides` only); threads no command takes over are stopped when it
 * ends.
 */
export function startThreadsEarly(args: readonly string[]): boolean {
  // `dev` always keeps a render thread, also when every deck comes from the cache.
  if (args[0] === 'dev') return true
  if (args[0] !== 'build' && args[0] !== 'check') return false
  if (args.includes('--no-cache')) return true
  const root = args[1] !== undefined && !args[1].startsWith('-') ? args[1] : (findProjectRoot('.') ?? '.')
  const built = Math.max(...['node_modules/.cache/marp-site', '.marp-site-cache'].map((dir) => newestFile(path.join(root, dir, 'sites'))))
  return built === -Infinity || savedSince(path.join(root, 'slides'), built)
}

/** The time of the newest file in `dir` (a build's stamps), -Infinity when there is none. */
function newestFile(dir: string): number {
  let newest = -Infinity
  try {
    for (const name of readdirSync(dir)) newest = Math.max(newest, statSync(path.join(dir, name)).mtimeMs)
  } catch {
    // No stamps here (never built, or no cache): treated as never built, so threads start early.
  }
  return newest
}

/** Whether a deck under `dir` was saved after `time`. */
function savedSince(dir: string, time: number): boolean {
  try {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(md|markdown)$/.test(entry.name) && statSync(path.join(entry.parentPath, entry.name)).mtimeMs > time) return true
    }
  } catch {
    // No slides dir here (the config names another one): only a hint is lost; the build is the same.
  }
  return false
}
