import { readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { MarpSiteError } from '../errors.js'
import { swallowed } from '../log.js'
import { ioError, OLD_TAG, statIfAny, TMP_TAG } from './io.js'
import type { Manifest } from './manifest.js'
import { processAlive } from '../process-alive.js'

/**
 * Cleans up after a build that was killed: removes its staging folder, and puts the old site back
 * if the kill came between the two renames of a commit.
 */
export async function recover(parent: string, base: string): Promise<void> {
  let names: string[]
  try {
    names = await readdir(parent)
  } catch (error) {
    // Nothing to clean up where nothing can be listed; making the staging folder there reports the error.
    swallowed('write', `listing ${parent} for leftovers`)(error)
    return
  }
  const outDir = path.join(parent, base)
  for (const name of names) {
    if (name.startsWith(`.${base}${OLD_TAG}`) && !alive(base, name, OLD_TAG)) {
      // Safe to ignore: a site that cannot be put back or removed now is tried again by the next build.
      const exists = (await statIfAny(outDir, `looking for ${outDir}`)) !== undefined
      if (!exists) await rename(path.join(parent, name), outDir).catch(swallowed('write', `putting back ${name}`))
      else await rm(path.join(parent, name), { recursive: true, force: true }).catch(swallowed('write', `removing ${name}`))
    }
  }
  for (const name of names) {
    if (name.startsWith(`.${base}${TMP_TAG}`) && !alive(base, name, TMP_TAG)) {
      // Safe to ignore: a leftover staging folder is only in the way of nothing, and tried again next build.
      await rm(path.join(parent, name), { recursive: true, force: true }).catch(swallowed('write', `removing ${name}`))
    }
  }
}

/** Whether the build that named `name` (`.<base><tag><pid>-…`) is still running: this process's are. */
function alive(base: string, name: string, tag: string): boolean {
  const pid = Number(name.slice(`.${base}${tag}`.length).split('-')[0])
  return Number.isInteger(pid) && processAlive(pid)
}

/** Reads the previous manifest, and refuses to replace a folder that marp-site did not make. */
export async function readPrevious(outDir: string): Promise<Manifest | undefined> {
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
  } catch (error) {
    // No readable manifest: the folder is not one of ours, which the error below says.
    swallowed('write', `reading the manifest of ${outDir}`)(error)
  }
  throw new MarpSiteError(
    'CONFIG',
    `The out dir ${outDir} is not empty and was not made by marp-site (no marp-site manifest.json); it would be replaced. Empty it or choose another --out`,
  )
}
