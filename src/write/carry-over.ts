import { constants } from 'node:fs'
import { copyFile, cp, mkdir, readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { swallowed } from '../log.js'
import { fileIn, ioError, statIfAny } from './io.js'
import { deckPagePaths } from './pages.js'

/**
 * A deck that fails to render keeps the page of its last good build: its folder of the previous site
 * is carried into the new one, with the shared `_assets/` files its pages link (their CSS, fonts,
 * scripts, emoji), which this build may no longer write. Both ways of writing the out dir use this:
 * the staging swap copies (carryInto), the in-place update leaves them where they are (keepInPlace).
 */

/**
 * Copies the previous site's folder `sitePath` into the staging folder `stagingDir`, without the
 * folders in `except` (other decks' folders nested in it, which are theirs to make), and the shared
 * files its pages link. False when the previous site has no such folder.
 */
export async function carryInto(outDir: string, stagingDir: string, sitePath: string, except: readonly string[]): Promise<boolean> {
  const from = fileIn(outDir, sitePath)
  // No folder (or none that can be read) in the previous site: nothing to carry, the deck is left out.
  const info = await statIfAny(from, `looking for ${from} in the previous site`)
  if (!info?.isDirectory()) return false
  const left = except.map((e) => fileIn(outDir, e))
  const to = fileIn(stagingDir, sitePath)
  try {
    // Made first: a deck nested in this folder may be writing its page into it at the same moment, and
    // cp makes a missing destination folder with a plain mkdir, which fails when the other made it first.
    await mkdir(to, { recursive: true })
    await cp(from, to, {
      recursive: true,
      force: false,
      errorOnExist: false,
      filter: (source) => !left.some((dir) => source === dir || source.startsWith(`${dir}${path.sep}`)),
    })
    await linkedSharedFiles(outDir, [...deckPagePaths(sitePath)], (target) => copySharedFile(outDir, stagingDir, target))
    return true
  } catch (error) {
    throw ioError(`Cannot keep ${from} from the previous build`, error)
  }
}

/** Copies one shared file of the previous site into the staging folder, unless this build wrote it. */
async function copySharedFile(outDir: string, stagingDir: string, target: string): Promise<boolean> {
  const source = fileIn(outDir, target)
  const destination = fileIn(stagingDir, target)
  // Existence checks: a file that cannot be looked at is taken as absent.
  if ((await statIfAny(destination, `looking for ${destination}`)) !== undefined) return true
  if (!(await statIfAny(source, `looking for ${source}`))?.isFile()) return false
  await mkdir(path.dirname(destination), { recursive: true })
  try {
    // Never over a file: the shared files are being written into the staging folder at the same time,
    // and one may land between the check above and this copy. Its name holds its content's hash, so the
    // file that is there is this one.
    await copyFile(source, destination, constants.COPYFILE_EXCL)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return true
}

/**
 * In place: the previous site's folder `sitePath` stays where it is. Its files (but those under
 * `except`) are added to `produced`, so that the commit does not remove them; each shared file its
 * pages link is handed to `keep`, which answers whether it is there (and marks it produced).
 */
export async function keepInPlace(
  outDir: string,
  sitePath: string,
  except: readonly string[],
  produced: Set<string>,
  keep: (target: string) => Promise<boolean>,
): Promise<boolean> {
  let entries: string[]
  try {
    entries = (await readdir(fileIn(outDir, sitePath), { recursive: true })) as string[]
  } catch (error) {
    // No folder (or none that can be read) in the previous site: nothing to keep, the deck is left out.
    swallowed('write', `listing ${sitePath} in the previous site`)(error)
    return false
  }
  for (const rel of entries) {
    const kept = `${sitePath}/${rel.split(path.sep).join('/')}`
    if (!except.some((e) => kept === e || kept.startsWith(`${e}/`))) produced.add(kept)
  }
  await linkedSharedFiles(outDir, [...deckPagePaths(sitePath)], keep)
  return true
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
    // A page or stylesheet that cannot be read links nothing that could be kept.
    const text = await readFile(fileIn(outDir, sitePath), 'utf8').catch(swallowed('write', `reading ${sitePath} of the previous site`))
    if (text === undefined) continue
    for (const match of text.matchAll(LINKED)) {
      const url = match[1] ?? match[2] ?? ''
      if (/^[a-z][a-z0-9+.-]*:|^\//i.test(url)) continue
      let target: string
      try {
        target = path.posix.normalize(path.posix.join(path.posix.dirname(sitePath), decodeURIComponent(url)))
      } catch {
        // Not a well-formed URL, so not one marp-site wrote: it names none of its files.
        continue
      }
      if (!target.startsWith('_assets/') || seen.has(target)) continue
      seen.add(target)
      if ((await keep(target)) && target.endsWith('.css')) queue.push(target)
    }
  }
}
