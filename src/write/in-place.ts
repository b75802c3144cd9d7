import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type Dirent, type Stats } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { statStamp } from '../cache/fingerprint.js'
import { debug, swallowed } from '../log.js'
import { keepInPlace } from './carry-over.js'
import { copyKeepingTime, fileIn, ioError, statIfAny, TMP_TAG } from './io.js'
import type { Manifest } from './manifest.js'
import type { SiteMemory, Staging } from './outdir.js'
import { readPrevious } from './recovery.js'
import { openStaging } from './staging.js'

/**
 * For `dev`'s rebuilds: the site is updated where it is, file by file, each file written beside its
 * place and renamed over it, so a page being served is always whole; files that are still the same
 * are left alone, and `commit` removes the ones this build did not produce. Much less work than a
 * whole new site per save, at the price of the all-or-nothing swap, which a dev server does not need.
 * Falls back to a staging folder when there is no previous site.
 */
export async function openInPlace(outDir: string, memory?: SiteMemory): Promise<Staging> {
  // A session's memory of the site stands while the manifest is the one its last build wrote: then
  // the manifest is not read back and parsed, and `commit` knows the files without listing the out dir
  // (on a site of hundreds of decks, both take longer than the rest of a one-deck rebuild).
  const known = memory && manifestStamp(outDir) === memory.manifestStamp ? memory : undefined
  const previous = known?.manifest ?? (await readPrevious(outDir))
  if (!previous) return openStaging(outDir)
  return new InPlace(outDir, previous, known)
}

/** The manifest file's size and time (statStamp), undefined when there is none. */
function manifestStamp(outDir: string): string | undefined {
  try {
    return statStamp(statSync(path.join(outDir, 'manifest.json')))
  } catch (error) {
    // No manifest (or none to look at): the session's memory of the site cannot be trusted, nor kept.
    swallowed('write', `looking at the manifest of ${outDir}`)(error)
    return undefined
  }
}

class InPlace implements Staging {
  readonly dir: string
  /** Every file this build wrote, left as it was, or kept for a deck that failed: the others go at commit. */
  private readonly produced = new Set<string>()
  private readonly made = new Set<string>()
  private committed = false

  constructor(
    private readonly outDir: string,
    readonly previous: Manifest,
    private readonly known: SiteMemory | undefined,
  ) {
    this.dir = outDir
  }

  write(sitePath: string, data: string | Uint8Array): Promise<void> {
    return this.replace(sitePath, (tmp) => writeFileSync(tmp, data), 'write')
  }

  /** A file whose name holds the hash of its content: the one there is the same when it has the same size. */
  async writeHashed(sitePath: string, data: string | Uint8Array): Promise<void> {
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
    if (await this.unchanged(sitePath, (info) => info.size === size)) {
      debug('cache')('kept %s from the previous site', sitePath)
      return
    }
    await this.write(sitePath, data)
  }

  async copy(from: string, sitePath: string): Promise<void> {
    let source: Stats
    try {
      source = statSync(from)
    } catch (error) {
      throw ioError(`Cannot copy ${from}`, error)
    }
    if (await this.unchanged(sitePath, (info) => info.size === source.size && Math.abs(info.mtimeMs - source.mtimeMs) < 1)) return
    await this.replace(sitePath, (tmp) => copyKeepingTime(from, tmp, source), `copy ${from} to`)
  }

  reuse(sitePath: string, expected: string): Promise<boolean> {
    return this.unchanged(sitePath, (info) => statStamp(info) === expected)
  }

  async stateOf(sitePath: string): Promise<string | undefined> {
    // A file that was not written has no state: its page gets no record and is made again next time.
    const info = await statIfAny(fileIn(this.outDir, sitePath), `looking for ${sitePath}`)
    return info && statStamp(info)
  }

  carryOver(sitePath: string, except: readonly string[] = []): Promise<boolean> {
    return keepInPlace(this.outDir, sitePath, except, this.produced, (target) => this.unchanged(target, () => true))
  }

  async commit(): Promise<void> {
    if (this.known) await removeStale(this.outDir, this.known.files, this.produced)
    else await removeUnproduced(this.outDir, this.produced)
    this.committed = true
  }

  remember(manifest: Manifest): SiteMemory | undefined {
    const stamp = this.committed ? manifestStamp(this.outDir) : undefined
    return stamp === undefined ? undefined : { manifest, manifestStamp: stamp, files: new Set(this.produced) }
  }

  async discard(): Promise<void> {
    // Every file written so far is whole; nothing to undo.
  }

  /**
   * Writes a file beside its place and renames it over it. Synchronous, as `unchanged` below: a save
   * rewrites a handful of files, and each awaited call would cost a thread-pool trip that is longer
   * than the write.
   */
  private async replace(sitePath: string, put: (tmp: string) => void, verb: string): Promise<void> {
    const file = fileIn(this.outDir, sitePath)
    const tmp = `${file}${TMP_TAG}${process.pid}`
    try {
      const dir = path.dirname(file)
      if (!this.made.has(dir)) {
        mkdirSync(dir, { recursive: true })
        this.made.add(dir)
      }
      put(tmp)
      renameSync(tmp, file)
      this.produced.add(sitePath)
    } catch (error) {
      try {
        rmSync(tmp, { force: true })
      } catch (cleanup) {
        // The error that matters is the one thrown below; a half-written file left over is only in the way of nothing.
        swallowed('write', `removing ${tmp}`)(cleanup)
      }
      throw ioError(`Cannot ${verb} ${file}`, error)
    }
  }

  /**
   * Whether the file at `sitePath` is there and `same` (then it counts as produced). A rebuild in dev
   * asks this of every page, image and font of the site, and nearly all are the same: a synchronous
   * stat costs microseconds, where an awaited one costs the event loop a turn.
   */
  private async unchanged(sitePath: string, same: (info: Stats) => boolean): Promise<boolean> {
    let info: Stats | undefined
    try {
      info = statSync(fileIn(this.outDir, sitePath), { throwIfNoEntry: false })
    } catch (error) {
      // A file that cannot be looked at is taken as changed: it is written again.
      swallowed('write', `looking at ${sitePath}`)(error)
      info = undefined
    }
    if (!info?.isFile() || !same(info)) return false
    this.produced.add(sitePath)
    return true
  }
}

/** Removes the files of `before` this build did not produce, and the folders left empty. */
async function removeStale(outDir: string, before: ReadonlySet<string>, produced: ReadonlySet<string>): Promise<void> {
  const stale = [...before].filter((sitePath) => !produced.has(sitePath))
  if (stale.length === 0) return
  // Only the folders of the removed files can have been emptied.
  const folders = new Set<string>()
  for (const sitePath of stale) for (let dir = path.posix.dirname(sitePath); dir !== '.'; dir = path.posix.dirname(dir)) folders.add(dir)
  await removeLeftovers(outDir, stale, produced, folders)
}

/** Without a memory of the last build: lists the out dir and removes what this build did not produce. */
async function removeUnproduced(outDir: string, produced: ReadonlySet<string>): Promise<void> {
  // What the previous build made and this one did not: decks removed or renamed, old stylesheets.
  // Listed synchronously: a recursive listing awaited costs a thread-pool trip per folder.
  let entries: Dirent[]
  try {
    entries = readdirSync(outDir, { recursive: true, withFileTypes: true })
  } catch (error) {
    // An out dir that cannot be listed keeps its stale files until a build can: they harm nothing but space.
    swallowed('write', `listing ${outDir}`)(error)
    entries = []
  }
  const sitePathOf = (e: Dirent) =>
    path
      .relative(outDir, path.join(e.parentPath ?? e.path, e.name))
      .split(path.sep)
      .join('/')
  const stale = entries
    .filter((e) => e.isFile())
    .map(sitePathOf)
    .filter((sitePath) => !produced.has(sitePath))
  await removeLeftovers(outDir, stale, produced, entries.filter((e) => e.isDirectory()).map(sitePathOf))
}

/**
 * Removes `stale` files, then those of `folders` left empty, deepest first. A folder holding a file this
 * build made is not empty, so only the others (none, on most edits in dev) are read.
 */
async function removeLeftovers(outDir: string, stale: readonly string[], produced: ReadonlySet<string>, folders: Iterable<string>): Promise<void> {
  // Safe to ignore: a stale file or folder that cannot be removed is only left over, and tried again
  // by a later build; the site this build made is complete without its removal.
  await Promise.all(stale.map((sitePath) => rm(fileIn(outDir, sitePath), { force: true }).catch(swallowed('write', `removing ${sitePath}`))))
  const holding = new Set<string>()
  for (const sitePath of produced) {
    for (let dir = path.posix.dirname(sitePath); dir !== '.' && !holding.has(dir); dir = path.posix.dirname(dir)) holding.add(dir)
  }
  for (const dir of [...folders].filter((d) => !holding.has(d)).sort((a, b) => b.length - a.length)) {
    // A folder that cannot be listed is taken as not empty, and left.
    const left = (await readdir(fileIn(outDir, dir)).catch(swallowed('write', `listing ${dir}`))) ?? ['?']
    if (left.length === 0) await rm(fileIn(outDir, dir), { recursive: true, force: true }).catch(swallowed('write', `removing ${dir}`))
  }
}
