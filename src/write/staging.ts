import { link, lstat, mkdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { statStamp } from '../cache/fingerprint.js'
import { MarpSiteError } from '../errors.js'
import { debug, swallowed } from '../log.js'
import { carryInto } from './carry-over.js'
import { copyKeepingTime, fileIn, folderMaker, ioError, OLD_TAG, statIfAny, TMP_TAG } from './io.js'
import type { Staging } from './outdir.js'
import { readPrevious, recover } from './recovery.js'

/**
 * The staging swap: a build writes a new site into a staging folder beside the out dir and swaps it
 * in when everything is written, so a crash, a full disk or Ctrl-C leaves the previous site whole.
 * Files the previous site already has the same are hard-linked from it instead of written again.
 */
export async function openStaging(outDir: string): Promise<Staging> {
  // A symlinked out dir (`dist -> /srv/www`): the folder it points at is staged beside and swapped, so
  // the link stays a link and its target is replaced whole, as an out dir of its own would be.
  const target = await swapTarget(outDir)
  const parent = path.dirname(target)
  const base = path.basename(target)
  await recover(parent, base)
  const previous = await readPrevious(outDir)
  const dir = path.join(parent, `.${base}${TMP_TAG}${process.pid}-${Date.now().toString(36)}`)
  try {
    await mkdir(dir, { recursive: true })
  } catch (error) {
    throw ioError(target === outDir ? `Cannot create ${dir}` : `Cannot create ${dir} beside ${target}, where the out dir ${outDir} links to`, error)
  }
  const files = new StagingFiles(outDir, dir)
  return {
    dir,
    previous,
    write: (sitePath, data) => files.write(sitePath, data),
    writeHashed: (sitePath, data) => files.writeHashed(sitePath, data),
    copy: (from, sitePath) => files.copy(from, sitePath),
    reuse: (sitePath, expected) => files.reuse(sitePath, expected),
    stateOf: (sitePath) => files.stateOf(sitePath),
    carryOver: (sitePath, except = []) => carryInto(outDir, dir, sitePath, except),
    commit: () => swapIn(target, dir),
    async discard() {
      // Safe to ignore: a staging folder left behind is removed by the next build (recover).
      await rm(dir, { recursive: true, force: true }).catch(swallowed('write', `removing ${dir}`))
    },
    // The next build reads the swapped-in site afresh: there is nothing a session could keep of it.
    remember: () => undefined,
  }
}

/** The files of a staging folder `dir`, written new or linked from the previous site in `outDir`. */
class StagingFiles {
  private readonly ensureDir = folderMaker()
  /** Files linked from the previous site share its inode: they are unlinked before being written. */
  private readonly linked = new Set<string>()

  constructor(
    private readonly outDir: string,
    private readonly dir: string,
  ) {}

  async write(sitePath: string, data: string | Uint8Array): Promise<void> {
    const file = fileIn(this.dir, sitePath)
    try {
      await this.ensureDir(path.dirname(file))
      if (this.linked.delete(sitePath)) await rm(file, { force: true })
      await writeFile(file, data)
    } catch (error) {
      throw ioError(`Cannot write ${path.join(this.outDir, sitePath)}`, error)
    }
  }

  /** A file whose name holds the hash of its content: the previous site's is the same when it has the same size. */
  async writeHashed(sitePath: string, data: string | Uint8Array): Promise<void> {
    const previousFile = fileIn(this.outDir, sitePath)
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
    // Not in the previous site (or not readable): written anew.
    const before = await statIfAny(previousFile, `looking for ${sitePath} in the previous site`)
    if (before?.isFile() && before.size === size && (await this.linkFrom(previousFile, sitePath))) {
      debug('cache')('linked %s from the previous site', sitePath)
      return
    }
    await this.write(sitePath, data)
  }

  async copy(from: string, sitePath: string): Promise<void> {
    const file = fileIn(this.dir, sitePath)
    try {
      const previousFile = fileIn(this.outDir, sitePath)
      // Not in the previous site (or not readable): copied anew.
      const [source, before] = await Promise.all([stat(from), statIfAny(previousFile, `looking for ${sitePath} in the previous site`)])
      // Copies keep their source's time to the millisecond (utimes rounds), so that is the precision compared.
      if (before?.isFile() && before.size === source.size && Math.abs(before.mtimeMs - source.mtimeMs) < 1 && (await this.linkFrom(previousFile, sitePath)))
        return
      await this.ensureDir(path.dirname(file))
      if (this.linked.delete(sitePath)) await rm(file, { force: true })
      copyKeepingTime(from, file, source)
    } catch (error) {
      throw ioError(`Cannot copy ${from} to ${path.join(this.outDir, sitePath)}`, error)
    }
  }

  async reuse(sitePath: string, expected: string): Promise<boolean> {
    const from = fileIn(this.outDir, sitePath)
    // Not in the previous site (or not readable): not reused, made again.
    const info = await statIfAny(from, `looking for ${sitePath} in the previous site`)
    if (!info?.isFile() || statStamp(info) !== expected) return false
    return this.linkFrom(from, sitePath)
  }

  async stateOf(sitePath: string): Promise<string | undefined> {
    // A file that was not written has no state: its page gets no record and is made again next time.
    const info = await statIfAny(fileIn(this.dir, sitePath), `looking for ${sitePath}`)
    return info && statStamp(info)
  }

  private async linkFrom(previousFile: string, sitePath: string): Promise<boolean> {
    const file = fileIn(this.dir, sitePath)
    try {
      await this.ensureDir(path.dirname(file))
      await link(previousFile, file)
      this.linked.add(sitePath)
      return true
    } catch (error) {
      // No link (another file system, no permission): the caller writes or copies the file instead.
      swallowed('write', `linking ${sitePath} from the previous site`)(error)
      return false
    }
  }
}

/**
 * The folder a build swaps in its new site for: the out dir itself, or, when it is a symlink (a chain
 * of them, relative or absolute), the path the last link points at, made by the first build when it is
 * not there yet.
 */
async function swapTarget(outDir: string): Promise<string> {
  let target = outDir
  for (let hops = 0; hops < 32; hops += 1) {
    let next: string | undefined
    try {
      next = (await lstat(target)).isSymbolicLink() ? path.resolve(path.dirname(target), await readlink(target)) : undefined
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return target
      throw ioError(`Cannot read the out dir ${target}`, error)
    }
    if (next === undefined) return target
    debug('write')('the out dir %s links to %s: the build replaces that', target, next)
    target = next
  }
  throw new MarpSiteError('CONFIG', `The out dir ${outDir} is a symlink that leads through more than 32 links (a loop?); point it, or --out, at a folder`)
}

/** Swaps the staging folder `dir` in for `outDir`, and removes the previous site. */
async function swapIn(outDir: string, dir: string): Promise<void> {
  const parent = path.dirname(outDir)
  const old = path.join(parent, `.${path.basename(outDir)}${OLD_TAG}${process.pid}-${Date.now().toString(36)}`)
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
    // Safe to ignore: the error thrown below is the one that matters, and what is left over (the old
    // site under its tag, the staging folder) is put back or removed by the next build (recover).
    if (moved) await rename(old, outDir).catch(swallowed('write', `putting back ${outDir}`))
    await rm(dir, { recursive: true, force: true }).catch(swallowed('write', `removing ${dir}`))
    throw ioError(`Cannot replace ${outDir}`, error)
  }
  // Safe to ignore: the new site is in place; an old one left over is removed by the next build (recover).
  if (moved) await rm(old, { recursive: true, force: true }).catch(swallowed('write', `removing ${old}`))
}
