import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PACKAGE_DIR } from '../config/resolve.js'
import type { AssetCopy } from '../discover/assets.js'
import { KATEX_FONT_DIR, TWEMOJI_DIR, WEB_FONT_DIR } from '../render/refs.js'
import type { Derived, SharedPaths } from './pages.js'
import { sharedPaths } from './pages.js'
import type { WriteQueue } from './queue.js'
import { katexFonts, marpBrowserScript, type RuntimeFiles, runtimeFiles, twemojiFile } from './shared.js'
import { webFontSheet } from './web-fonts.js'
import { MarpSiteError, reason } from '../errors.js'
import { contentHash } from '../hash.js'

type SiteFile = () => Promise<Uint8Array | string | undefined>

/** marp-site's own icon (a slide on the index's accent colour), inline so that no page requests one. */
const DEFAULT_FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#c2410c"/><rect x="6" y="9" width="20" height="14" rx="2" fill="#fff"/><rect x="9" y="13" width="10" height="2" fill="#c2410c"/><rect x="9" y="17" width="7" height="2" fill="#c2410c"/></svg>',
)}`

/**
 * The files deck pages share, each written once however many decks link it: marp-core's script, the
 * deck page runtime, each distinct deck CSS, KaTeX's fonts, the web fonts of gaia (write/web-fonts.ts)
 * and the Twemoji files the decks show. Also
 * what a self-contained page (`singleFile`) puts inside itself, by site path (siteFile).
 */
export class SiteAssets {
  private runtimeWritten = false
  private fontList: ReturnType<typeof katexFonts> | undefined
  private readonly sources: Map<string, SiteFile>
  private readonly cssFiles = new Set<string>()
  private readonly emoji = new Set<string>()
  private needsKatex = false
  /** The web-font stylesheets the decks import (write/web-fonts.ts), and each one made, once. */
  private readonly webFonts = new Set<string>()
  private readonly webFontSheets = new Map<string, ReturnType<typeof webFontSheet>>()

  /** The site's icon: a site path of the project's own (written), or marp-site's, inline. */
  favicon = DEFAULT_FAVICON

  /** Reads the script and runtime, and queues the script (every deck page links it) and the project's icon. */
  static async load(queue: WriteQueue, favicon: string | undefined): Promise<SiteAssets> {
    const script = await marpBrowserScript()
    const runtime = await runtimeFiles(PACKAGE_DIR)
    const assets = new SiteAssets(queue, sharedPaths(script, runtime), script, runtime)
    queue.writeHashed(assets.paths.script, script)
    if (favicon !== undefined) {
      const bytes = await readFile(favicon).catch((error: unknown) => {
        throw new MarpSiteError('IO', `Cannot read the favicon ${favicon}: ${reason(error)}`, { cause: error })
      })
      assets.favicon = `_assets/favicon.${contentHash(bytes)}${path.extname(favicon).toLowerCase()}`
      queue.writeHashed(assets.favicon, bytes)
    }
    return assets
  }

  private constructor(
    private readonly queue: WriteQueue,
    readonly paths: SharedPaths,
    script: string,
    private readonly runtime: RuntimeFiles,
  ) {
    this.sources = new Map<string, SiteFile>([
      [paths.script, async () => script],
      [paths.runtimeJs, async () => runtime.js],
      [paths.runtimeCss, async () => runtime.css],
      [paths.transitionsCss, async () => runtime.transitions],
    ])
  }

  /** A rendered deck's share: the runtime (with the first deck), its CSS (first of its kind), its fonts and emoji (at close). */
  addDeck(derived: Derived, copies: readonly AssetCopy[]): void {
    if (!this.runtimeWritten) {
      this.runtimeWritten = true
      this.queue.writeHashed(this.paths.runtimeJs, this.runtime.js)
      this.queue.writeHashed(this.paths.runtimeCss, this.runtime.css)
      this.queue.writeHashed(this.paths.transitionsCss, this.runtime.transitions)
    }
    const { cssPath } = derived
    this.sources.set(cssPath, async () => derived.css)
    for (const asset of copies) this.sources.set(asset.target, () => readFile(asset.from))
    if (!this.cssFiles.has(cssPath)) {
      this.cssFiles.add(cssPath)
      this.queue.writeHashed(cssPath, derived.css)
    }
    this.needsKatex ||= derived.katex
    for (const sheet of derived.webFonts) this.webFonts.add(sheet)
    for (const target of derived.emoji) this.emoji.add(target)
  }

  /** After the last deck: KaTeX's fonts and the web fonts if a deck needs them, and every emoji the decks show. */
  async close(): Promise<void> {
    if (this.needsKatex) for (const font of await this.fonts()) this.queue.copy(font.file, `${KATEX_FONT_DIR}${font.name}`)
    for (const sitePath of this.webFonts) {
      const sheet = await this.webFontSheet(sitePath)
      if (!sheet) continue
      this.queue.write(sitePath, sheet.css)
      for (const file of sheet.files) this.queue.copy(file.from, file.target)
    }
    for (const target of this.emoji) {
      const file = twemojiFile(path.posix.basename(target))
      if (file) this.queue.copy(file, target)
    }
  }

  /** The content of the site file at `sitePath`, for a self-contained page; undefined when it is none of these. */
  readonly siteFile = async (sitePath: string): Promise<Uint8Array | string | undefined> => {
    const known = this.sources.get(sitePath)
    if (known) return known()
    if (sitePath.startsWith(KATEX_FONT_DIR)) {
      const font = (await this.fonts()).find((f) => `${KATEX_FONT_DIR}${f.name}` === sitePath)
      return font && readFile(font.file)
    }
    if (sitePath.startsWith(WEB_FONT_DIR)) {
      for (const name of this.webFonts) {
        const sheet = await this.webFontSheet(name)
        if (name === sitePath) return sheet?.css
        const file = sheet?.files.find((f) => f.target === sitePath)
        if (file) return readFile(file.from)
      }
      return undefined
    }
    const emojiFile = sitePath.startsWith(TWEMOJI_DIR) ? twemojiFile(path.posix.basename(sitePath)) : undefined
    return emojiFile === undefined ? undefined : readFile(emojiFile)
  }

  /** A web-font stylesheet and its files, made once for the copies and for self-contained pages. */
  private webFontSheet(sitePath: string): ReturnType<typeof webFontSheet> {
    let sheet = this.webFontSheets.get(sitePath)
    if (!sheet) this.webFontSheets.set(sitePath, (sheet = webFontSheet(sitePath)))
    return sheet
  }

  /** KaTeX's font files, listed once for the copies and for self-contained pages. */
  private fonts(): ReturnType<typeof katexFonts> {
    this.fontList ??= katexFonts()
    return this.fontList
  }
}
