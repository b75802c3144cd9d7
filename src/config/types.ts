import type { MarpOptionsConfig } from './schema.js'
import type { RuleSettings } from '../rules.js'

/** Flags from the command line; they win over the config file. */
export interface InlineConfig {
  root?: string
  config?: string
  slidesDir?: string
  themesDir?: string
  templatesDir?: string
  outDir?: string
  /** false: no cache (--no-cache). */
  cache?: boolean
  /** Self-contained deck pages (--single-file). */
  singleFile?: boolean
  pdf?: 'auto' | boolean
  browserPath?: string
  /** `private` (--no-notes) or `public` (--with-notes), over the config's `notes`. */
  notes?: 'public' | 'private'
  /** Write each deck's notes as text (--notes-file). */
  notesFile?: boolean
  /** false: no social cards, sitemap, feed or url hint (dev and check). */
  publish?: boolean
  /** A PPTX of every deck (--pptx). */
  pptx?: boolean
}

/** Slide images (config `images`). */
export interface ImagesConfig {
  readonly format: 'png' | 'jpeg' | 'webp'
  readonly scale: number
}

export interface PdfConfig {
  /** auto: print when a browser is found, else warn; on: a missing browser is an error; off: no PDFs. */
  readonly mode: 'auto' | 'on' | 'off'
  /** Speaker notes: none, as text annotations on each slide's page, or a handout (slide above its notes). */
  readonly notes: false | 'annotations' | 'handout'
  readonly timeoutMs: number
  /** From --browser-path or the config; CHROME_PATH and the usual locations are searched when unset. */
  readonly browserPath: string | undefined
}

/** Everything a build needs, defaults filled, paths absolute. Frozen. */
export interface ResolvedConfig {
  readonly root: string
  /** Absolute path of the config file that was loaded, or `package.json` when read from `marpSite`. */
  readonly configFile: string | undefined
  readonly title: string
  readonly description: string
  /** The site's public URL (config `url`, or its older name `baseUrl`), ending in `/`; undefined when not set. */
  readonly baseUrl: string | undefined
  /** The config's `ogImage`: an absolute URL or a site path, as written. */
  readonly ogImage: string | undefined
  /** Speaker notes in the site's files (`public`), or kept out of them (`private`); see publish/notes.ts. */
  readonly notes: 'public' | 'private'
  /** Each deck's notes as text beside its page (`notes.md` or `notes.txt`), or none. */
  readonly notesFile: 'md' | 'txt' | false
  /** Social cards, `sitemap.xml`, `feed.xml` and the url hint: false in dev and check. */
  readonly publish: boolean
  readonly lang: string
  readonly theme: string
  readonly slidesDir: string
  readonly themesDir: string
  /** More theme entries (config `themes`, marp-cli's `themeSet`, VS Code's `markdown.marp.themes`): CSS files or folders, absolute, or package paths. */
  readonly themes: readonly string[]
  readonly templatesDir: string
  readonly outDir: string
  /** Files of other tools the config came from (marp-cli config, VS Code settings), as the build says them. */
  readonly sources: readonly string[]
  /** Warnings about the config (options of another tool's config that are not used). */
  readonly notices: readonly string[]
  /** The config's globs of Markdown files under the slides dir that are not decks. */
  readonly exclude: readonly string[]
  /** Only files whose front-matter says `marp: true` are decks. */
  readonly marpOnly: boolean
  /** The site's icon file (absolute), or undefined for marp-site's own (inline in each page). */
  readonly favicon: string | undefined
  readonly themeColor: string
  /** Deck pages carry their CSS, scripts, images and fonts inside (no `_assets/` links). */
  readonly singleFile: boolean
  /** The build cache folder, or undefined when caching is off. */
  readonly cacheDir: string | undefined
  readonly pdf: PdfConfig
  /** An image of every slide, or undefined (the default: off). */
  readonly images: ImagesConfig | undefined
  /** A PPTX of every deck. */
  readonly pptx: boolean
  readonly renderTimeoutMs: number
  readonly marp: Readonly<MarpOptionsConfig>
  /** The config's `engine` module as written (resolved against the root, else as a package, when the build starts). */
  readonly engine: string | undefined
  /** The config's rule switches. */
  readonly rules: RuleSettings
  /** The index page's sections (config `sections`): a folder of the slides dir and its heading, in order. */
  readonly sections: readonly { readonly folder: string; readonly title: string | undefined }[]
  /** Themes and templates shipped with marp-site, used when the project does not override them. */
  readonly builtin: { readonly themesDir: string; readonly templatesDir: string }
}
