import { readFileSync } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { debug, swallowed } from '../log.js'

const log = debug('cache')

/**
 * A folder of JSON entries kept between runs, each under the hash of everything it was made from.
 * An entry is only ever looked up by that hash, so it cannot be stale: a changed input is a new key.
 * Reads that fail (missing, half-written, corrupt) are misses; writes that fail are ignored, since the
 * cache only ever saves time.
 */
export class Cache {
  /** Entries read or written by this run, per kind: what `prune` keeps. */
  private readonly used = new Map<string, Set<string>>()

  constructor(readonly dir: string) {}

  private file(kind: string, key: string): string {
    return path.join(this.dir, kind, `${key}.json`)
  }

  /** Marks an entry as still in use (one this run had in memory), so `prune` keeps it. */
  keep(kind: string, key: string): void {
    let keys = this.used.get(kind)
    if (!keys) this.used.set(kind, (keys = new Set()))
    keys.add(key)
  }

  async get<T>(kind: string, key: string): Promise<T | undefined> {
    try {
      // Synchronous: a build looks up an entry per deck, and the reading is small next to the parsing.
      const value = JSON.parse(readFileSync(this.file(kind, key), 'utf8')) as { key: string; value: T }
      if (value.key !== key) {
        log('%s %s: a hash collision or an entry of another key; a miss', kind, key)
        return undefined
      }
      this.keep(kind, key)
      log('%s %s: hit', kind, key)
      return value.value
    } catch (error) {
      // Missing, unreadable or corrupt: a miss, and the entry is made again.
      log('%s %s: miss (%s)', kind, key, (error as NodeJS.ErrnoException).code ?? (error as Error).message)
      return undefined
    }
  }

  async set(kind: string, key: string, value: unknown): Promise<void> {
    this.keep(kind, key)
    const file = this.file(kind, key)
    const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`
    try {
      await mkdir(path.dirname(file), { recursive: true })
      // Written beside and renamed, so a reader never sees half an entry.
      await writeFile(tmp, JSON.stringify({ key, value }))
      await rename(tmp, file)
      log('%s %s: stored', kind, key)
    } catch (error) {
      // The cache only saves work: an entry that cannot be written (full disk, read-only cache dir)
      // is made again next time; the build itself does not depend on it.
      log('%s %s: not stored: %s', kind, key, (error as Error).message)
      await rm(tmp, { force: true }).catch(swallowed('cache', `removing ${tmp}`))
    }
  }

  /** Removes the entries of `kind` this run did not use, so the cache stays the size of the site. */
  async prune(kind: string): Promise<void> {
    const keep = this.used.get(kind) ?? new Set<string>()
    let names: string[]
    try {
      names = await readdir(path.join(this.dir, kind))
    } catch (error) {
      // No entries of this kind yet: nothing to prune.
      log('%s: nothing to prune (%s)', kind, (error as NodeJS.ErrnoException).code)
      return
    }
    await Promise.all(
      names
        .filter((name) => !keep.has(name.replace(/\.json$/, '')))
        // An entry that cannot be removed is only space: the next prune tries again.
        .map((name) =>
          rm(path.join(this.dir, kind, name), { force: true }).then(() => log('%s %s: pruned', kind, name), swallowed('cache', `pruning ${kind}/${name}`)),
        ),
    )
  }
}
