import { readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { swallowed } from '../log.js'
import { processAlive } from '../process-alive.js'

/** The prefixes of the browser profiles marp-site makes in the temp folder; each name goes on with the owner's pid. */
export const PROFILE_PREFIXES = ['marp-site-pdf-', 'marp-site-check-browser-'] as const

/** The start of a profile folder's name: `marp-site-pdf-<pid>-` (mkdtemp adds the rest). */
export function profilePrefix(prefix: string): string {
  return path.join(tmpdir(), `${prefix}${process.pid}-`)
}

/**
 * Removes the browser profiles of builds that were killed (their owner's pid is gone): a build killed
 * with `kill -9` cannot remove its own. Its browser exited with it (the pipe closed), so nothing uses
 * them. Profiles named before pids were part of the name are left alone: their owner cannot be told.
 */
export async function sweepProfiles(): Promise<void> {
  const dir = tmpdir()
  // A temp folder that cannot be listed has nothing of ours to sweep; the browser's own start reports it.
  const names = await readdir(dir).catch(swallowed('browser', `listing ${dir} for stale browser profiles`, [] as string[]))
  await Promise.all(
    names.map(async (name) => {
      const prefix = PROFILE_PREFIXES.find((p) => name.startsWith(p))
      const pid = prefix === undefined ? Number.NaN : Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1])
      if (!Number.isInteger(pid) || processAlive(pid)) return
      // Safe to ignore: a profile that cannot be removed now costs disk space only, and is tried again next build.
      await rm(path.join(dir, name), { recursive: true, force: true, maxRetries: 3 }).catch(swallowed('browser', `removing the stale profile ${name}`))
    }),
  )
}
