import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { digest } from '../hash.js'
import { debug } from '../log.js'
import { toPosix } from '../paths.js'

/**
 * What identifies the tool that made an output: our version, the versions of the packages whose
 * files end up in the site (marp-core, KaTeX, Twemoji, gaia's fonts, beautiful-mermaid's diagrams), and the size and time of every compiled file
 * of ours, so that a rebuilt or patched marp-site never reuses the cache of another.
 */
export function toolKey(packageDir: string, generator: string): Promise<string> {
  const id = `${packageDir}\0${generator}`
  let key = toolKeys.get(id)
  if (!key) toolKeys.set(id, (key = computeToolKey(packageDir, generator)))
  return key
}

/** Per process: the installed tool does not change under a running one (dev restarts for that). */
const toolKeys = new Map<string, Promise<string>>()

async function computeToolKey(packageDir: string, generator: string): Promise<string> {
  const require = createRequire(path.join(packageDir, 'package.json'))
  const versions = await Promise.all(
    ['@marp-team/marp-core', 'katex', 'twemoji-svg', '@fontsource/lato', '@fontsource/roboto-mono', 'beautiful-mermaid'].map(async (name) => {
      // Not require.resolve(`${name}/package.json`): a package's exports may not list it.
      for (const dir of require.resolve.paths(name) ?? []) {
        try {
          return `${name}@${(JSON.parse(await readFile(path.join(dir, name, 'package.json'), 'utf8')) as { version: string }).version}`
        } catch {
          // Not in this node_modules: the next one on the resolution path is tried.
        }
      }
      return `${name}@unknown`
    }),
  )
  return digest(generator, versions, await treeState(path.join(packageDir, 'lib')))
}

// The fingerprints below are made on every build, of hundreds of small files (the out dir, marp-site's
// own lib/, the templates), also when nothing changed and they are all a build does. Synchronous on
// purpose: each awaited call is a trip through libuv's thread pool that costs far more than the
// system call it makes (a no-change build of 50 decks spent most of its build time on them).

/** Every file under `dir` with its size and modification time, sorted; empty when `dir` does not exist. */
export async function treeState(dir: string): Promise<string[]> {
  let entries: string[]
  try {
    entries = readdirSync(dir, { recursive: true }) as string[]
  } catch (error) {
    // A folder that is not there has no files: its state is the empty list (a new out dir, no lib/).
    debug('cache')('no files under %s (%s)', dir, (error as NodeJS.ErrnoException).code)
    return []
  }
  const states: string[] = []
  for (const rel of entries) {
    try {
      const info = statSync(path.join(dir, rel))
      if (info.isFile()) states.push(`${toPosix(rel)} ${info.size} ${info.mtimeMs}`)
    } catch {
      // Removed between the listing and the stat: recorded as such, which changes the state.
      states.push(`${toPosix(rel)} gone`)
    }
  }
  return states.sort()
}

/** The contents of every file under the given folders (templates, partials, layouts). */
export async function treeContents(dirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256')
  // Names relative to their folder: the same templates give the same digest in any project.
  for (const [i, dir] of dirs.entries()) {
    let entries: string[]
    try {
      entries = (readdirSync(dir, { recursive: true }) as string[]).sort()
    } catch {
      // No such folder (a project without its own templates): recorded as such in the digest.
      hash.update(`${i} none\0`)
      continue
    }
    for (const rel of entries) {
      const file = path.join(dir, rel)
      try {
        if (!statSync(file).isFile()) continue
        hash
          .update(`${i} ${toPosix(rel)}\0`)
          .update(readFileSync(file))
          .update('\0')
      } catch (error) {
        hash.update(`${i} ${toPosix(rel)} ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}\0`)
      }
    }
  }
  return hash.digest('hex').slice(0, 32)
}

/**
 * What a build needs to know about a local file a deck links: its identity, size and time (a
 * changed file, a replaced symlink or a file that appeared or went away all change it).
 */
export async function fileState(file: string): Promise<string> {
  try {
    const info = statSync(file)
    return info.isFile() ? statStamp(info) : 'not a file'
  } catch (error) {
    return `missing ${(error as NodeJS.ErrnoException).code ?? ''}`
  }
}

/** A file's identity, size and time in one string: equal stamps, same file as far as a build can tell. */
export function statStamp(info: { readonly ino: number; readonly size: number; readonly mtimeMs: number }): string {
  return `${info.ino} ${info.size} ${info.mtimeMs}`
}
