import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, type Dirent, type Stats } from 'node:fs'
import { cp, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { MarpSiteError, reason } from '../errors.js'
import type { Manifest } from './manifest.js'
import { statStamp } from '../cache/fingerprint.js'

/**
 * A build writes a staging folder beside the out dir and swaps it in when everything is written, so
 * a crash, a full disk or Ctrl-C leaves the previous site whole. (`dev`'s rebuilds update the site
 * in place instead, file by file: see openInPlace.)
 */
export interface Staging {
  readonly dir: string
  /** The previous site's manifest, when there is one. */
  readonly previous: Manifest | undefined
  write(sitePath: string, data: string | Uint8Array): Promise<void>
  /** Writes a file whose name holds the hash of its content: linked from the previous site when it has it. */
  writeHashed(sitePath: string, data: string | Uint8Array): Promise<void>
  /** Copies a file (keeping its time): linked from the previous site when its copy there has the same size and time. */
  copy(from: string, sitePath: string): Promise<void>
  /**
   * Puts the previous site's `sitePath` into this one when it is still as `expected` (size and time),
   * by a hard link (a copy where links are not possible). False when there is no such file.
   */
  reuse(sitePath: string, expected: string): Promise<boolean>
  /** Size and time of a written file, as `reuse` expects them. */
  stateOf(sitePath: string): Promise<string | undefined>
  /**
   * Copies a folder of the previous site (a deck that failed this time keeps its last good page),
   * without the folders in `except` (other decks' folders nested in it, which are theirs to make).
   */
  carryOver(sitePath: string, except?: readonly string[]): Promise<boolean>
  commit(): Promise<void>
  discard(): Promise<void>
  /**
   * After `commit`, for `dev`'s in-place updates: what the session may keep of the site as it is now, so
   * that the next rebuild need not read the manifest back nor list the out dir (see openInPlace).
   */
  remember?(manifest: Manifest): SiteMemory | undefined
}

/** What a `dev` session keeps of the site its last build left in the out dir. */
export interface SiteMemory {
  readonly manifest: Manifest
  /** The manifest file's size and time (statStamp) just after that build. */
  readonly manifestStamp: string
  /** Every file that build left in the out dir, by site path. */
  readonly files: ReadonlySet<string>
}

const TMP_TAG = '.marp-site-tmp-'

/**
 * Makes folders (with their parents), each once per build: decks' files are written concurrently, many
 * into the same folders (fonts, emoji), and every `mkdir` of one that exists is a wasted system call.
 */
function folderMaker(): (dir: string) => Promise<unknown> {
  const made = new Map<string, Promise<unknown>>()
  return (dir) => {
    let making = made.get(dir)
    if (!making) {
      making = mkdir(dir, { recursive: true })
      made.set(dir, making)
      // A folder that could not be made is tried again by the next write into it.
      making.catch(() => made.delete(dir))
    }
    return making
  }
}
const OLD_TAG = '.marp-site-old-'

export async function openStaging(outDir: string): Promise<Staging> {
  const parent = path.dirname(outDir)
  const base = path.basename(outDir)
  await recover(parent, base)
  const previous = await readPrevious(outDir)

  const dir = path.join(parent, `.${base}${TMP_TAG}${process.pid}-${Date.now().toString(36)}`)
  try {
    await mkdir(dir, { recursive: true })
  } catch (error) {
    throw ioError(`Cannot create ${dir}`, error)
  }
  const ensureDir = folderMaker()
  const full = (sitePath: string) => path.join(dir, ...sitePath.split('/'))
  // Files linked from the previous site share its inode: they are unlinked before being written.
  const linked = new Set<string>()
  const linkFrom = async (previousFile: string, sitePath: string): Promise<boolean> => {
    const file = full(sitePath)
    try {
      await ensureDir(path.dirname(file))
      await link(previousFile, file)
      linked.add(sitePath)
      return true
    } catch {
      return false
    }
  }

  const write = async (sitePath: string, data: string | Uint8Array): Promise<void> => {
    const file = full(sitePath)
    try {
      await ensureDir(path.dirname(file))
      if (linked.delete(sitePath)) await rm(file, { force: true })
      await writeFile(file, data)
    } catch (error) {
      throw ioError(`Cannot write ${path.join(outDir, sitePath)}`, error)
    }
  }

  return {
    dir,
    previous,
    write,
    async writeHashed(sitePath, data) {
      const previousFile = path.join(outDir, ...sitePath.split('/'))
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
      const before = await stat(previousFile).catch(() => undefined)
      if (before?.isFile() && before.size === size && (await linkFrom(previousFile, sitePath))) return
      await write(sitePath, data)
    },
    async copy(from, sitePath) {
      const file = full(sitePath)
      try {
        const previousFile = path.join(outDir, ...sitePath.split('/'))
        const [source, before] = await Promise.all([stat(from), stat(previousFile).catch(() => undefined)])
        // Copies keep their source's time to the millisecond (utimes rounds), so that is the precision compared.
        if (before?.isFile() && before.size === source.size && Math.abs(before.mtimeMs - source.mtimeMs) < 1 && (await linkFrom(previousFile, sitePath))) return
        await ensureDir(path.dirname(file))
        if (linked.delete(sitePath)) await rm(file, { force: true })
        copyKeepingTime(from, file, source)
      } catch (error) {
        throw ioError(`Cannot copy ${from} to ${path.join(outDir, sitePath)}`, error)
      }
    },
    async reuse(sitePath, expected) {
      const from = path.join(outDir, ...sitePath.split('/'))
      const info = await stat(from).catch(() => undefined)
      if (!info?.isFile() || statStamp(info) !== expected) return false
      return linkFrom(from, sitePath)
    },
    async stateOf(sitePath) {
      const info = await stat(full(sitePath)).catch(() => undefined)
      return info && statStamp(info)
    },
    async carryOver(sitePath, except = []) {
      const from = path.join(outDir, ...sitePath.split('/'))
      try {
        if (!(await stat(from)).isDirectory()) return false
      } catch {
        return false
      }
      const left = except.map((e) => path.join(outDir, ...e.split('/')))
      try {
        await cp(from, full(sitePath), {
          recursive: true,
          force: false,
          errorOnExist: false,
          filter: (source) => !left.some((dir) => source === dir || source.startsWith(`${dir}${path.sep}`)),
        })
        // The kept pages also need the shared files they link (their CSS, fonts, scripts, emoji),
        // which this build may no longer write.
        const pages = ['index.html', 'thumb.html'].map((name) => `${sitePath}/${name}`)
        await carrySharedFiles(outDir, dir, pages)
        return true
      } catch (error) {
        throw ioError(`Cannot keep ${from} from the previous build`, error)
      }
    },
    async commit() {
      const old = path.join(parent, `.${base}${OLD_TAG}${process.pid}-${Date.now().toString(36)}`)
      let moved = false
      try {
        try {
          await rename(outDir, old)
          moved = true
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        }
        await rename(dir, outDir)
      } catch (error) {
        if (moved) await rename(old, outDir).catch(() => undefined)
        await rm(dir, { recursive: true, force: true }).catch(() => undefined)
        throw ioError(`Cannot replace ${outDir}`, error)
      }
      if (moved) await rm(old, { recursive: true, force: true }).catch(() => undefined)
    },
    async discard() {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    },
  }
}

const LINKED = /(?:src|href)="([^"#?]+)|url\((?:&quot;|['"])?([^'")&?#]+)/g

/**
 * The `_assets/` files that `files` (site paths of the old site) link, transitively through CSS: each
 * is handed to `keep`, which answers whether it is there (copied, or left in place).
 */
async function linkedSharedFiles(outDir: string, files: string[], keep: (target: string) => Promise<boolean>): Promise<void> {
  const seen = new Set<string>()
  const queue = [...files]
  for (let sitePath = queue.shift(); sitePath !== undefined; sitePath = queue.shift()) {
    const text = await readFile(path.join(outDir, ...sitePath.split('/')), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    for (const match of text.matchAll(LINKED)) {
      const url = match[1] ?? match[2] ?? ''
      if (/^[a-z][a-z0-9+.-]*:|^\//i.test(url)) continue
      let target: string
      try {
        target = path.posix.normalize(path.posix.join(path.posix.dirname(sitePath), decodeURIComponent(url)))
      } catch {
        continue
      }
      if (!target.startsWith('_assets/') || seen.has(target)) continue
      seen.add(target)
      if ((await keep(target)) && target.endsWith('.css')) queue.push(target)
    }
  }
}

/** Copies the shared files the old site's `files` link into the staging folder. */
async function carrySharedFiles(outDir: string, stagingDir: string, files: string[]): Promise<void> {
  await linkedSharedFiles(outDir, files, async (target) => {
    const source = path.join(outDir, ...target.split('/'))
    const destination = path.join(stagingDir, ...target.split('/'))
    if (await stat(destination).then(() => true, () => false)) return true
    if (!(await stat(source).then((i) => i.isFile(), () => false))) return false
    await mkdir(path.dirname(destination), { recursive: true })
    await cp(source, destination)
    return true
  })
}

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
  const manifestFile = path.join(outDir, 'manifest.json')
  const manifestStamp = () => {
    try {
      return statStamp(statSync(manifestFile))
    } catch {
      return undefined
    }
  }
  const known = memory && manifestStamp() === memory.manifestStamp ? memory : undefined
  const previous = known?.manifest ?? (await readPrevious(outDir))
  if (!previous) return openStaging(outDir)
  const produced = new Set<string>()
  let committed = false
  const made = new Set<string>()
  const full = (sitePath: string) => path.join(outDir, ...sitePath.split('/'))
  // Synchronous, as `unchanged` below: a save rewrites a handful of files, and each awaited call would
  // cost a thread-pool trip that is longer than the write.
  const replace = async (sitePath: string, put: (tmp: string) => void, verb: string) => {
    const file = full(sitePath)
    const tmp = `${file}${TMP_TAG}${process.pid}`
    try {
      const dir = path.dirname(file)
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true })
        made.add(dir)
      }
      put(tmp)
      renameSync(tmp, file)
      produced.add(sitePath)
    } catch (error) {
      try {
        rmSync(tmp, { force: true })
      } catch {
        // The error that matters is the one above.
      }
      throw ioError(`Cannot ${verb} ${file}`, error)
    }
  }
  // A rebuild in dev asks this of every page, image and font of the site, and nearly all are the
  // same: a synchronous stat costs microseconds, where an awaited one costs the event loop a turn.
  const unchanged = async (sitePath: string, same: (info: Stats) => boolean) => {
    let info: Stats | undefined
    try {
      info = statSync(full(sitePath), { throwIfNoEntry: false })
    } catch {
      info = undefined
    }
    if (!info?.isFile() || !same(info)) return false
    produced.add(sitePath)
    return true
  }
  const write = (sitePath: string, data: string | Uint8Array) => replace(sitePath, (tmp) => writeFileSync(tmp, data), 'write')
  return {
    dir: outDir,
    previous,
    write,
    async writeHashed(sitePath, data) {
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
      if (await unchanged(sitePath, (info) => info.size === size)) return
      await write(sitePath, data)
    },
    async copy(from, sitePath) {
      let source: Stats
      try {
        source = statSync(from)
      } catch (error) {
        throw ioError(`Cannot copy ${from}`, error)
      }
      if (await unchanged(sitePath, (info) => info.size === source.size && Math.abs(info.mtimeMs - source.mtimeMs) < 1)) return
      await replace(sitePath, (tmp) => copyKeepingTime(from, tmp, source), `copy ${from} to`)
    },
    reuse: (sitePath, expected) => unchanged(sitePath, (info) => statStamp(info) === expected),
    async stateOf(sitePath) {
      const info = await stat(full(sitePath)).catch(() => undefined)
      return info && statStamp(info)
    },
    async carryOver(sitePath, except = []) {
      const dir = full(sitePath)
      let entries: string[]
      try {
        entries = (await readdir(dir, { recursive: true })) as string[]
      } catch {
        return false
      }
      for (const rel of entries) {
        const kept = `${sitePath}/${rel.split(path.sep).join('/')}`
        if (!except.some((e) => kept === e || kept.startsWith(`${e}/`))) produced.add(kept)
      }
      await linkedSharedFiles(outDir, ['index.html', 'thumb.html'].map((name) => `${sitePath}/${name}`), async (target) => unchanged(target, () => true))
      return true
    },
    async commit() {
      if (known) await removeStale(outDir, known.files, produced)
      else await removeUnproduced(outDir, produced)
      committed = true
    },
    remember(manifest) {
      const stamp = committed ? manifestStamp() : undefined
      return stamp === undefined ? undefined : { manifest, manifestStamp: stamp, files: new Set(produced) }
    },
    async discard() {
      // Every file written so far is whole; nothing to undo.
    },
  }
}

/** In place: removes the files of `before` this build did not produce, and the folders left empty. */
async function removeStale(outDir: string, before: ReadonlySet<string>, produced: ReadonlySet<string>): Promise<void> {
  const stale = [...before].filter((sitePath) => !produced.has(sitePath))
  if (stale.length === 0) return
  // Only the folders of the removed files can have been emptied.
  const folders = new Set<string>()
  for (const sitePath of stale) for (let dir = path.posix.dirname(sitePath); dir !== '.'; dir = path.posix.dirname(dir)) folders.add(dir)
  await removeLeftovers(outDir, stale, produced, folders)
}

/** In place, without a memory of the last build: lists the out dir and removes what this build did not produce. */
async function removeUnproduced(outDir: string, produced: ReadonlySet<string>): Promise<void> {
  // What the previous build made and this one did not: decks removed or renamed, old stylesheets.
  // Listed synchronously: a recursive listing awaited costs a thread-pool trip per folder.
  let entries: Dirent[]
  try {
    entries = readdirSync(outDir, { recursive: true, withFileTypes: true })
  } catch {
    entries = []
  }
  const sitePathOf = (e: Dirent) => path.relative(outDir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/')
  const stale = entries.filter((e) => e.isFile()).map(sitePathOf).filter((sitePath) => !produced.has(sitePath))
  await removeLeftovers(outDir, stale, produced, entries.filter((e) => e.isDirectory()).map(sitePathOf))
}

/**
 * Removes `stale` files, then those of `folders` left empty, deepest first. A folder holding a file this
 * build made is not empty, so only the others (none, on most edits in dev) are read.
 */
async function removeLeftovers(outDir: string, stale: readonly string[], produced: ReadonlySet<string>, folders: Iterable<string>): Promise<void> {
  const full = (sitePath: string) => path.join(outDir, ...sitePath.split('/'))
  await Promise.all(stale.map((sitePath) => rm(full(sitePath), { force: true }).catch(() => undefined)))
  const holding = new Set<string>()
  for (const sitePath of produced) {
    for (let dir = path.posix.dirname(sitePath); dir !== '.' && !holding.has(dir); dir = path.posix.dirname(dir)) holding.add(dir)
  }
  for (const dir of [...folders].filter((d) => !holding.has(d)).sort((a, b) => b.length - a.length)) {
    if ((await readdir(full(dir)).catch(() => ['?'])).length === 0) await rm(full(dir), { recursive: true, force: true }).catch(() => undefined)
  }
}

/**
 * Cleans up after a build that was killed: removes its staging folder, and puts the old site back
 * if the kill came between the two renames of a commit.
 */
async function recover(parent: string, base: string): Promise<void> {
  let names: string[]
  try {
    names = await readdir(parent)
  } catch {
    return
  }
  const outDir = path.join(parent, base)
  const alive = (name: string, tag: string) => {
    const pid = Number(name.slice(`.${base}${tag}`.length).split('-')[0])
    if (!Number.isInteger(pid) || pid === process.pid) return pid === process.pid
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  for (const name of names) {
    if (name.startsWith(`.${base}${OLD_TAG}`) && !alive(name, OLD_TAG)) {
      const exists = await stat(outDir).then(() => true, () => false)
      if (!exists) await rename(path.join(parent, name), outDir).catch(() => undefined)
      else await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined)
    }
  }
  for (const name of names) {
    if (name.startsWith(`.${base}${TMP_TAG}`) && !alive(name, TMP_TAG)) {
      await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined)
    }
  }
}

/** Reads the previous manifest, and refuses to replace a folder that marp-site did not make. */
async function readPrevious(outDir: string): Promise<Manifest | undefined> {
  let entries: string[]
  try {
    entries = await readdir(outDir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw ioError(`Cannot read the out dir ${outDir}`, error)
  }
  if (entries.length === 0) return undefined
  try {
    const manifest = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest
    if (typeof manifest.generator === 'string' && manifest.generator.startsWith('marp-site') && Array.isArray(manifest.decks)) {
      return manifest
    }
  } catch {
    // fall through
  }
  throw new MarpSiteError(
    'CONFIG',
    `The out dir ${outDir} is not empty and was not made by marp-site (no marp-site manifest.json); it would be replaced. Empty it or choose another --out`,
  )
}

function ioError(what: string, error: unknown): MarpSiteError {
  return new MarpSiteError('IO', `${what}: ${reason(error)}`, { cause: error })
}

/**
 * Copies a file (its content and mode; a symlink's target) with the time of `source`, its stat, so
 * that the next build can tell the copy is still current by size and time.
 */
function copyKeepingTime(from: string, to: string, source: Stats): void {
  copyFileSync(from, to)
  utimesSync(to, source.atime, source.mtime)
}
