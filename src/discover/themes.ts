import { readdir, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { reason } from '../errors.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { displayPath, toPosix } from '../paths.js'
import { NOT_REGULAR, readRegularFile } from '../regular-file.js'

export interface ThemeSource {
  /** Absolute path. */
  readonly file: string
  /** For messages: relative to the project root when inside it, else `marp-site/themes/x.css`. */
  readonly display: string
  readonly css: string
}

/**
 * The theme CSS files to register: marp-site's built-in themes first, then the project's own themes
 * dir, then each further entry of the config (`themes`: a CSS file or a folder of them, relative to
 * the root, or a CSS file of an installed package). A later theme with the same `@theme` name
 * replaces an earlier one.
 */
export async function discoverThemes(
  root: string,
  themesDir: string,
  builtinThemesDir: string,
  entries: readonly string[] = [],
): Promise<{ themes: ThemeSource[]; problems: Problem[] }> {
  const dirs = path.resolve(themesDir) === path.resolve(builtinThemesDir) ? [themesDir] : [builtinThemesDir, themesDir]
  const themes: ThemeSource[] = []
  const problems: Problem[] = []
  const display = (file: string) => displayPath(root, file, (f) => `marp-site/themes/${toPosix(path.relative(builtinThemesDir, f))}`)
  const add = async (file: string) => {
    const shown = display(file)
    if (themes.some((t) => t.file === file)) return
    try {
      // Never a FIFO, socket or device: reading a FIFO with no writer would wait for good.
      const read = await readRegularFile(file)
      if (read.ok) themes.push({ file, display: shown, css: read.bytes.toString('utf8') })
      else problems.push(problem('theme-error', { file: shown }, `${NOT_REGULAR}; not registered`))
    } catch (error) {
      problems.push(problem('theme-error', { file: shown }, `cannot be read: ${reason(error)}`))
    }
  }
  for (const dir of dirs) {
    // No themes dir: the built-in themes are enough.
    for (const file of await cssFilesIn(dir)) await add(file)
  }
  for (const entry of entries) {
    const found = await themeEntry(root, entry)
    if (found === undefined) {
      problems.push(problem('theme-error', { file: entry }, 'is a theme the config names, but no such file, folder or package file was found; not registered'))
    } else if (found.isDir) {
      for (const file of await cssFilesIn(found.file)) await add(file)
    } else {
      await add(found.file)
    }
  }
  return { themes, problems }
}

async function cssFilesIn(dir: string): Promise<string[]> {
  try {
    const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.css') && !n.startsWith('.'))
    return names.sort().map((name) => path.join(dir, name))
  } catch {
    // Not there or not a folder: the caller decides whether that is a problem.
    return []
  }
}

/** A theme entry of the config: a path from the root, else a file of a package installed in the project. */
async function themeEntry(root: string, entry: string): Promise<{ file: string; isDir: boolean } | undefined> {
  const local = path.resolve(root, entry)
  const info = await stat(local).catch(() => undefined)
  if (info) return { file: local, isDir: info.isDirectory() }
  if (path.isAbsolute(entry) || entry.startsWith('.')) return undefined
  try {
    return { file: createRequire(path.join(root, 'package.json')).resolve(entry), isDir: false }
  } catch {
    // Not an installed package's file either: reported by the caller.
    return undefined
  }
}
