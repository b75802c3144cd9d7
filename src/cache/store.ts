import { readFileSync } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sha256 } from '../hash.js'
import { debug, swallowed } from '../log.js'

const log = debug('cache')

const SUM_LENGTH = 32
const VALUE_TAG = '","value":'
/** What an entry of `key` starts with, up to its checksum. */
const entryHead = (key: string) => `{"key":${JSON.stringify(key)},"sum":"`
/** The checksum of a value's JSON text: fixed length, hex (nothing to escape). */
const checksum = (json: string | Uint8Array) => sha256(json, SUM_LENGTH)

/**
 * A folder of JSON entries kept between runs, each under the hash of everything it was made from.
 * An entry is only ever looked up by that hash, so it cannot be stale: a changed input is a new key.
 * Reads that fail (missing, half-written, corrupt) are misses; writes that fail are ignored, since the
 * cache only ever saves time.
 *
 * Each entry carries a checksum of its value, checked on every read: an entry altered on disk that is
 * still valid JSON (a stray edit, a bad sync, a bit flipped by a failing disk) is a miss and made
 * again, never published as it is. An entry is written as `{"key":…,"sum":…,"value":…}` with the
 * value's JSON last, so that a read hashes the value's bytes as they lie in the file and parses only
 * that: no second serialization of what was read.
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
    let bytes: Buffer
    try {
      // Synchronous: a build looks up an entry per deck, and the reading is small next to the parsing.
      bytes = readFileSync(this.file(kind, key))
    } catch (error) {
      // Missing or unreadable: a miss, and the entry is made again.
      log('%s %s: miss (%s)', kind, key, (error as NodeJS.ErrnoException).code ?? (error as Error).message)
      return undefined
    }
    // Entries of marp-site before checksums (`{"key":…,"value":…}`) have no sum: misses too, so that
    // nothing unchecked is published; they are made again, with their sum, by this build.
    const head = Buffer.from(entryHead(key))
    const valueAt = head.length + SUM_LENGTH + VALUE_TAG.length
    const sum = bytes.toString('latin1', head.length, head.length + SUM_LENGTH)
    if (
      !bytes.subarray(0, head.length).equals(head) ||
      bytes.toString('latin1', head.length + SUM_LENGTH, valueAt) !== VALUE_TAG ||
      bytes[bytes.length - 1] !== 0x7d // }
    ) {
      log('%s %s: miss (not an entry of this key with a checksum: an older marp-site, another key, or altered)', kind, key)
      return undefined
    }
    // The value's bytes as they lie in the file are hashed (the same bytes the sum was made of, UTF-8).
    const value = bytes.subarray(valueAt, bytes.length - 1)
    if (checksum(value) !== sum) {
      log('%s %s: miss (its checksum does not match its value: altered on disk)', kind, key)
      return undefined
    }
    try {
      const parsed = JSON.parse(value.toString('utf8')) as T
      this.keep(kind, key)
      log('%s %s: hit', kind, key)
      return parsed
    } catch (error) {
      // Its checksum matched, so written this way; a miss all the same, and the entry is made again.
      log('%s %s: miss (%s)', kind, key, (error as Error).message)
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
      const json = JSON.stringify(value) ?? 'null'
      await writeFile(tmp, `${entryHead(key)}${checksum(json)}${VALUE_TAG}${json}}`)
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
