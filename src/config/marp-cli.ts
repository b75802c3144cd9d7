import { suggest } from './suggest.js'
import type { UserConfig } from './schema.js'

/**
 * marp-cli's configuration (`.marprc*`, `marp.config.*`) read as ours: each option that means something
 * for a site becomes the marp-site key that does the same; each that does not gets one warning naming
 * it and why; an unknown one gets "did you mean". Pure: the loader reads the file (see foreign.ts).
 */

/** marp-cli's config files, in the order marp-cli looks for them. */
export const MARP_CLI_CONFIG_NAMES = [
  '.marprc',
  '.marprc.json',
  '.marprc.yaml',
  '.marprc.yml',
  '.marprc.js',
  '.marprc.cjs',
  '.marprc.mjs',
  'marp.config.js',
  'marp.config.cjs',
  'marp.config.mjs',
  'marp.config.ts',
] as const

export interface MappedConfig {
  readonly config: UserConfig
  /** Theme entries (files or folders, relative to the config file's folder) from `themeSet` and a `theme` path. */
  readonly themes: readonly string[]
  /** A `theme` given as a CSS file: its `@theme` name is read from the file by the loader. */
  readonly themeFile: string | undefined
  readonly warnings: readonly string[]
}

/** Options that have no meaning for a static site, each with the reason given in its warning. */
const NOT_FOR_A_SITE: Readonly<Record<string, string>> = {
  allowLocalFiles: 'marp-site copies the files decks link into the site, so pages and PDFs never read local files',
  server: 'use `marp-site dev` for a local server',
  watch: 'use `marp-site dev` to rebuild on save',
  preview: 'use `marp-site dev` and open the printed URL',
  input: 'marp-site builds every deck under the slides dir (`inputDir`)',
  stdin: 'marp-site reads decks from the slides dir, never from standard input',
  template: 'marp-site pages come from its templates (see templatesDir)',
  parallel: 'marp-site picks its number of render threads itself',
  configFile: 'name the file with --config',
  browser: 'marp-site prints with Chromium, Chrome or Edge (browserPath)',
  browserProtocol: 'marp-site drives the browser over the DevTools protocol',
  keywords: 'each deck’s `tags:` in its front-matter are its keywords',
  bespoke: 'the deck page runtime has its own controls (on-screen, progress, presenter view)',
  image: 'slide 1 of every deck is its index thumbnail (thumb.webp); `images` makes every slide',
  jpegQuality: 'marp-site’s JPEG slide images have quality 85',
  notes: 'marp-site makes the site; `notesFile: true` adds each deck’s notes as text beside its page',
  pdfOutlines: 'marp-site’s PDFs always have an outline of the slides’ headings',
  author: 'each deck’s `author:` in its front-matter is used',
}

/** marp-core options we map; the others are named in a warning. */
const MARP_OPTIONS = ['html', 'math', 'emoji', 'minifyCSS', 'markdown'] as const

const KNOWN = [
  'theme',
  'themeSet',
  'html',
  'options',
  'inputDir',
  'output',
  'lang',
  'title',
  'description',
  'url',
  'ogImage',
  'pdf',
  'pdfNotes',
  'browserPath',
  'browserTimeout',
  'engine',
  'pptx',
  'images',
  'imageScale',
  ...Object.keys(NOT_FOR_A_SITE),
]

export function mapMarpCliConfig(raw: unknown, where: string): MappedConfig {
  const warnings: string[] = []
  const warn = (key: string, why: string) => warnings.push(`${where}: "${key}" is not used: ${why}`)
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { config: {}, themes: [], themeFile: undefined, warnings: [`${where}: expected an object of marp-cli options; nothing read from it`] }
  }
  const source = raw as Record<string, unknown>
  const config: Record<string, unknown> = {}
  const marp: Record<string, unknown> = {}
  const pdf: Record<string, unknown> = {}
  const themes: string[] = []
  let themeFile: string | undefined
  const text = (key: string): string | undefined => {
    const value = source[key]
    if (value === undefined) return undefined
    if (typeof value === 'string') return value
    warn(key, `expected a string, found ${JSON.stringify(value)}`)
    return undefined
  }

  for (const key of Object.keys(source)) {
    if (!KNOWN.includes(key)) {
      const hint = suggest(key, KNOWN)
      warnings.push(`${where}: unknown marp-cli option "${key}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`)
    } else if (key in NOT_FOR_A_SITE && source[key] !== undefined && source[key] !== false) {
      warn(key, NOT_FOR_A_SITE[key] ?? '')
    }
  }

  const theme = text('theme')
  if (theme !== undefined) {
    // marp-cli takes a theme's name or the path of its CSS file.
    if (/\.css$/i.test(theme) || theme.includes('/')) themeFile = theme
    else config['theme'] = theme
  }
  const themeSet = source['themeSet']
  if (typeof themeSet === 'string') themes.push(themeSet)
  else if (Array.isArray(themeSet)) themes.push(...themeSet.filter((t): t is string => typeof t === 'string'))
  else if (themeSet !== undefined) warn('themeSet', 'expected a path or a list of paths')

  for (const [from, to] of [
    ['lang', 'lang'],
    ['title', 'title'],
    ['description', 'description'],
    ['url', 'baseUrl'],
    ['ogImage', 'ogImage'],
    ['inputDir', 'slidesDir'],
    ['browserPath', 'browserPath'],
  ] as const) {
    const value = text(from)
    if (value !== undefined) config[to] = value
  }
  const output = text('output')
  if (output !== undefined) {
    // With `inputDir`, marp-cli's output is a folder; a single file (talk.html, talk.pdf) has no site equivalent.
    if (/\.(html?|pdf|pptx|png|jpe?g|txt)$/i.test(output) || output === '-') warn('output', 'marp-site writes a whole site into a folder (outDir)')
    else config['outDir'] = output
  }

  const engine = source['engine']
  if (typeof engine === 'string') config['engine'] = engine
  else if (engine !== undefined) warn('engine', 'render threads load the engine from a module: export the function from a file and give its path')
  if (source['html'] !== undefined) marp['html'] = source['html']
  const options = source['options']
  if (options !== null && typeof options === 'object' && !Array.isArray(options)) {
    for (const [key, value] of Object.entries(options)) {
      if (key === 'markdown') {
        const markdown = markdownOptions(value)
        if (markdown) marp['markdown'] = markdown
        else warn('options.markdown', 'only the breaks, linkify and typographer settings of markdown-it are taken')
      } else if (key === 'math') {
        // true is marp-core's default engine, which is ours too.
        if (value === true) continue
        const math = mathOption(value)
        if (math === undefined) warn('options.math', `expected "katex", "mathjax" or false, found ${JSON.stringify(value)}`)
        else marp['math'] = math
      } else if ((MARP_OPTIONS as readonly string[]).includes(key)) {
        // `html` at the top level (marp-cli's own flag) wins over the engine option.
        if (!(key === 'html' && 'html' in marp)) marp[key] = value
      } else {
        warn(`options.${key}`, 'marp-site sets this marp-core option itself')
      }
    }
  }

  if (source['pdf'] !== undefined) pdf['enabled'] = source['pdf'] === true
  if (source['pdfNotes'] === true) pdf['notes'] = 'annotations'
  const timeout = source['browserTimeout']
  if (typeof timeout === 'number' && timeout > 0) pdf['timeout'] = timeout
  if (source['pptx'] === true) config['pptx'] = true
  // marp-cli's `images` names a format (png or jpeg); its `imageScale` applies to them.
  const images = source['images']
  if (images === 'png' || images === 'jpeg') {
    const scale = source['imageScale']
    config['images'] = { format: images, ...(typeof scale === 'number' && scale > 0 && scale <= 4 ? { scale } : {}) }
  } else if (images !== undefined && images !== false) warn('images', `expected "png" or "jpeg", found ${JSON.stringify(images)}`)
  if (Object.keys(marp).length > 0) config['marp'] = marp
  if (Object.keys(pdf).length > 0) config['pdf'] = pdf.enabled === false && Object.keys(pdf).length === 1 ? false : pdf
  return { config: config as UserConfig, themes, themeFile, warnings }
}

/** markdown-it's settings we take: marp-cli accepts them as an object or as `[preset, object]`. */
function markdownOptions(value: unknown): Record<string, boolean> | undefined {
  const object = Array.isArray(value) ? value[1] : value
  if (object === null || typeof object !== 'object') return undefined
  const picked = Object.fromEntries(
    Object.entries(object).filter(([k, v]) => ['breaks', 'linkify', 'typographer'].includes(k) && typeof v === 'boolean'),
  ) as Record<string, boolean>
  return Object.keys(picked).length > 0 ? picked : undefined
}

/** marp-core's `math`: a library name, false, or `{ lib }`. */
function mathOption(value: unknown): 'katex' | 'mathjax' | false | undefined {
  if (value === false) return false
  const lib = value !== null && typeof value === 'object' ? (value as { lib?: unknown }).lib : value
  return lib === 'katex' || lib === 'mathjax' ? lib : undefined
}
