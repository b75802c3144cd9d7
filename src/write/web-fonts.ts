import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { MarpSiteError, reason } from '../errors.js'
import { WEB_FONT_DIR } from '../render/refs.js'

const require = createRequire(import.meta.url)

/**
 * The fonts each web-font stylesheet of the site holds (render/external.ts WEB_FONT_IMPORTS names
 * them): an @fontsource package and the weights the font CDN's stylesheet asked for.
 */
const FONT_SETS: Readonly<Record<string, readonly { readonly pkg: string; readonly weights: readonly string[] }[]>> = {
  // What gaia asks its CDN for: Lato 400 and 900, Roboto Mono 400 and 700.
  [`${WEB_FONT_DIR}gaia.css`]: [
    { pkg: '@fontsource/lato', weights: ['400', '900'] },
    { pkg: '@fontsource/roboto-mono', weights: ['400', '700'] },
  ],
}

/** One of the site's web-font stylesheets: its CSS, and the files it links (site path and where each comes from). */
export interface WebFontSheet {
  readonly css: string
  readonly files: readonly { readonly target: string; readonly from: string }[]
}

/** `url(./files/x.woff2) format('woff2'), url(./files/x.woff) format('woff')`: the WOFF2 is kept, which every current browser reads. */
const FONTSOURCE_SRC = /url\(\.\/files\/([\w.-]+\.woff2)\)\s*format\((['"])woff2\2\)(?:\s*,\s*url\([^)]*\)\s*format\([^)]*\))*/g

/**
 * The stylesheet at `sitePath` (`_assets/fonts/gaia.css`) made from the @fontsource packages'
 * own @font-face rules (every script subset, each with its unicode-range, so a browser fetches only
 * the subsets a page shows), pointing at WOFF2 files beside it; each package's licence goes beside
 * them too. Undefined for a path that is no such stylesheet.
 */
export async function webFontSheet(sitePath: string): Promise<WebFontSheet | undefined> {
  const sets = FONT_SETS[sitePath]
  if (!sets) return undefined
  const dir = path.posix.dirname(sitePath)
  const parts: string[] = []
  const files: { target: string; from: string }[] = []
  for (const { pkg, weights } of sets) {
    const pkgDir = path.dirname(require.resolve(`${pkg}/package.json`))
    const name = path.basename(pkg)
    files.push({ target: `${dir}/${name}-LICENSE.txt`, from: path.join(pkgDir, 'LICENSE') })
    for (const weight of weights) {
      const file = path.join(pkgDir, `${weight}.css`)
      const css = await readFile(file, 'utf8').catch((error: unknown) => {
        throw new MarpSiteError('INTERNAL', `Cannot read the web font stylesheet ${file}: ${reason(error)}`, { cause: error })
      })
      parts.push(
        css.replace(FONTSOURCE_SRC, (_, font: string) => {
          files.push({ target: `${dir}/${font}`, from: path.join(pkgDir, 'files', font) })
          return `url(${font}) format('woff2')`
        }),
      )
    }
  }
  const header = `/* ${sets.map((s) => s.pkg).join(' and ')} (SIL Open Font License 1.1: see the *-LICENSE.txt files beside this one), served by the site instead of a font CDN. */\n`
  return { css: `${header}${parts.join('\n')}\n`, files }
}
