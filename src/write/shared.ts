import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { MarpSiteError } from '../errors.js'

const require = createRequire(import.meta.url)

/** marp-core's browser script (fitting headings, `<pre>` scaling, Safari fixes), shipped once per site. */
export async function marpBrowserScript(): Promise<string> {
  const file = path.join(path.dirname(require.resolve('@marp-team/marp-core/package.json')), 'lib', 'browser.js')
  return readFile(file, 'utf8')
}

/** The deck page runtime's script, its stylesheet, and the slide transitions' stylesheet. */
export interface RuntimeFiles {
  readonly js: string
  readonly css: string
  readonly transitions: string
}

/** marp-site's deck page runtime (src/client), compiled into lib/client by `npm run compile`. */
export async function runtimeFiles(packageDir: string): Promise<RuntimeFiles> {
  const dir = path.join(packageDir, 'lib', 'client')
  try {
    const [js, css, transitions] = await Promise.all(['runtime.js', 'runtime.css', 'transitions.css'].map((name) => readFile(path.join(dir, name), 'utf8')))
    return { js: js ?? '', css: css ?? '', transitions: transitions ?? '' }
  } catch (error) {
    throw new MarpSiteError('INTERNAL', `The deck page runtime is missing from ${dir}; run \`npm run compile\``, { cause: error })
  }
}

/** KaTeX's font files, served from the site instead of a CDN. */
export async function katexFonts(): Promise<{ name: string; file: string }[]> {
  const dir = path.join(path.dirname(require.resolve('katex/package.json')), 'dist', 'fonts')
  return (await readdir(dir)).sort().map((name) => ({ name, file: path.join(dir, name) }))
}

/** The Twemoji SVG for a code point sequence (`1f604`), or undefined when the set has none. */
export function twemojiFile(name: string): string | undefined {
  if (!/^[0-9a-f]+(-[0-9a-f]+)*\.svg$/.test(name)) return undefined
  try {
    return require.resolve(`twemoji-svg/${name.slice(0, -'.svg'.length)}`)
  } catch {
    // Not in the set: answered as such (undefined), and the caller copies or inlines nothing for it.
    return undefined
  }
}
