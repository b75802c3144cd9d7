import { readdir } from 'node:fs/promises'
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
 * The theme CSS files to register: marp-site's built-in themes first, then the project's own
 * (a project theme with the same `@theme` name replaces the built-in one).
 */
export async function discoverThemes(root: string, themesDir: string, builtinThemesDir: string): Promise<{ themes: ThemeSource[]; problems: Problem[] }> {
  const dirs = path.resolve(themesDir) === path.resolve(builtinThemesDir) ? [themesDir] : [builtinThemesDir, themesDir]
  const themes: ThemeSource[] = []
  const problems: Problem[] = []
  for (const dir of dirs) {
    let names: string[]
    try {
      names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.css') && !n.startsWith('.'))
    } catch {
      continue // no themes dir: the built-in themes are enough
    }
    names.sort()
    for (const name of names) {
      const file = path.join(dir, name)
      const display = displayPath(root, file, (f) => `marp-site/themes/${toPosix(path.relative(builtinThemesDir, f))}`)
      try {
        // Never a FIFO, socket or device: reading a FIFO with no writer would wait for good.
        const read = await readRegularFile(file)
        if (read.ok) themes.push({ file, display, css: read.bytes.toString('utf8') })
        else problems.push(problem('theme-error', { file: display }, `${NOT_REGULAR}; not registered`))
      } catch (error) {
        problems.push(problem('theme-error', { file: display }, `cannot be read: ${reason(error)}`))
      }
    }
  }
  return { themes, problems }
}
