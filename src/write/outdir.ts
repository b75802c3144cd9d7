import { cp, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { MarpSiteError, reason } from '../errors.js'
import type { Manifest } from './manifest.js'

/**
 * The out dir is never written in place. A build writes a staging folder beside it and swaps it
 * in when everything is written, so a crash, a full disk or Ctrl-C leaves the previous site whole.
 */
export interface Staging {
  readonly dir: string
  /** The previous site's manifest, when there is one. */
  readonly previous: Manifest | undefined
  write(sitePath: string, data: string | Uint8Array): Promise<void>
  copy(from: string, sitePath: string): Promise<void>
  /**
   * Puts the previous site's `sitePath` into this one when it is still as `expected` (size and time),
   * by a hard link (a copy where links are not possible). False when there is no such file.
   */
  reuse(sitePath: string, expected: string): Promise<boolean>
  /** Size and time of a written file, as `reuse` expects them. */
  stateOf(sitePath: string): Promise<string | undefined>
  /** Copies a folder of the previous site (a deck that failed this time keeps its last good page). */
  carryOver(sitePath: string): Promise<boolean>
  commit(): Promise<void>
  discard(): Promise<void>
}

const TMP_TAG = '.marp-site-tmp-'
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
  const made = new Set<string>()
  const ensureDir = async (d: string) => {
    if (made.has(d)) return
    await mkdir(d, { recursive: true })
    made.add(d)
  }
  const full = (sitePath: string) => path.join(dir, ...sitePath.split('/'))
  // Files linked from the previous site share its inode: they are unlinked before being written.
  const linked = new Set<string>()

  return {
    dir,
    previous,
    async write(sitePath, data) {
      const file = full(sitePath)
      try {
        await ensureDir(path.dirname(file))
        if (linked.delete(sitePath)) await rm(file, { force: true })
        await writeFile(file, data)
      } catch (error) {
        throw ioError(`Cannot write ${path.join(outDir, sitePath)}`, error)
      }
    },
    async copy(from, sitePath) {
      const file = full(sitePath)
      try {
        await ensureDir(path.dirname(file))
        await cp(from, file, { dereference: true, errorOnExist: false, force: true })
      } catch (error) {
        throw ioError(`Cannot copy ${from} to ${path.join(outDir, sitePath)}`, error)
      }
    },
    async reuse(sitePath, expected) {
      const from = path.join(outDir, ...sitePath.split('/'))
      const info = await stat(from).catch(() => undefined)
      if (!info?.isFile() || fileStamp(info) !== expected) return false
      const file = full(sitePath)
      try {
        await ensureDir(path.dirname(file))
        await link(from, file).catch(() => cp(from, file))
        linked.add(sitePath)
        return true
      } catch {
        return false
      }
    },
    async stateOf(sitePath) {
      const info = await stat(full(sitePath)).catch(() => undefined)
      return info && fileStamp(info)
    },
    async carryOver(sitePath) {
      const from = path.join(outDir, ...sitePath.split('/'))
      try {
        if (!(await stat(from)).isDirectory()) return false
      } catch {
        return false
      }
      try {
        await cp(from, full(sitePath), { recursive: true, force: false, errorOnExist: false })
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

function fileStamp(info: { size: number; mtimeMs: number; ino: number }): string {
  return `${info.ino} ${info.size} ${info.mtimeMs}`
}

const LINKED = /(?:src|href)="([^"#?]+)|url\((?:&quot;|['"])?([^'")&?#]+)/g

/** Copies the `_assets/` files that `files` (site paths) link, transitively through CSS, from the old site. */
async function carrySharedFiles(outDir: string, stagingDir: string, files: string[]): Promise<void> {
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
      const source = path.join(outDir, ...target.split('/'))
      const destination = path.join(stagingDir, ...target.split('/'))
      if (await stat(destination).then(() => true, () => false)) continue
      if (!(await stat(source).then((i) => i.isFile(), () => false))) continue
      await mkdir(path.dirname(destination), { recursive: true })
      await cp(source, destination)
      if (target.endsWith('.css')) queue.push(target)
    }
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
