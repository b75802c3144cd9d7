import { copyFileSync, utimesSync, type Stats } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { MarpSiteError, reason } from '../errors.js'
import { swallowed } from '../log.js'

/** The small pieces both ways of writing the out dir (staging.ts, in-place.ts) share. */

/** Tags the names of a build's files beside the out dir: its staging folder, and half-written files in place. */
export const TMP_TAG = '.marp-site-tmp-'
/** Tags the previous site while a commit swaps the new one in. */
export const OLD_TAG = '.marp-site-old-'

/** The file at `sitePath` (forward slashes) in the folder `dir`. */
export function fileIn(dir: string, sitePath: string): string {
  return path.join(dir, ...sitePath.split('/'))
}

/**
 * A file's stat, or undefined when there is none. Any other error (no permission, a file where a folder
 * is expected) also answers undefined, shown on the debug channel as `what`: callers take the file as
 * absent (each says why that is safe), so a missing file, the usual case, is not logged.
 */
export function statIfAny(file: string, what: string): Promise<Stats | undefined> {
  return stat(file).catch((error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : swallowed('write', what)(error)))
}

export function ioError(what: string, error: unknown): MarpSiteError {
  return new MarpSiteError('IO', `${what}: ${reason(error)}`, { cause: error })
}

/**
 * Copies a file (its content and mode; a symlink's target) with the time of `source`, its stat, so
 * that the next build can tell the copy is still current by size and time.
 */
export function copyKeepingTime(from: string, to: string, source: Stats): void {
  copyFileSync(from, to)
  utimesSync(to, source.atime, source.mtime)
}

/**
 * Makes folders (with their parents), each once per build: decks' files are written concurrently, many
 * into the same folders (fonts, emoji), and every `mkdir` of one that exists is a wasted system call.
 */
export function folderMaker(): (dir: string) => Promise<unknown> {
  const made = new Map<string, Promise<unknown>>()
  return (dir) => {
    let making = made.get(dir)
    if (!making) {
      making = mkdir(dir, { recursive: true })
      made.set(dir, making)
      // A folder that could not be made is tried again by the next write into it (which reports the error).
      making.catch(() => made.delete(dir))
    }
    return making
  }
}
