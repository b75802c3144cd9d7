import { z } from 'zod'
import { SWITCHABLE_RULES } from '../rules.js'

const htmlAllowlist = z.record(z.string(), z.union([z.array(z.string()), z.record(z.string(), z.boolean())]))

const marpOptions = z.strictObject({
  /**
   * marp-core's `html`. Unset: marp-core's allowlist of safe tags and attributes (`img`, `br`, `div`, ...);
   * false: no HTML at all; true: any HTML, scripts included (only for decks you trust); an object: your allowlist.
   */
  html: z.union([z.boolean(), htmlAllowlist]).optional(),
  /** Math typesetting: MathJax (inline SVG; the default, as in marp-core), KaTeX (fonts served from the site), or off. */
  math: z.union([z.literal('katex'), z.literal('mathjax'), z.literal(false)]).optional(),
  emoji: z
    .strictObject({
      shortcode: z.union([z.boolean(), z.literal('twemoji')]).optional(),
      unicode: z.union([z.boolean(), z.literal('twemoji')]).optional(),
    })
    .optional(),
  minifyCSS: z.boolean().optional(),
  /** Line numbers on every code fence (a fence with `hideLineNumbers` has none); else only where a fence says `showLineNumbers`. */
  lineNumbers: z.boolean().optional(),
  markdown: z
    .strictObject({
      breaks: z.boolean().optional(),
      linkify: z.boolean().optional(),
      typographer: z.boolean().optional(),
    })
    .optional(),
})

/** An absolute http(s) URL, said plainly when it is not one. */
function publicUrl(key: string) {
  return z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) && new URL(value).host !== '', {
    message: `${key} must be the site's public address, an absolute http(s) URL such as "https://talks.example.com/" or "https://you.github.io/talks/"`,
  })
}

const pdfOptions = z.strictObject({
  enabled: z.union([z.literal('auto'), z.boolean()]).optional(),
  /**
   * Speaker notes in the PDF: `true` or "annotations" puts them on their slide's page as text
   * annotations (sticky notes); "handout" prints each slide on an A4 page with its notes below.
   */
  notes: z.union([z.boolean(), z.literal('annotations'), z.literal('handout')]).optional(),
  /** Seconds one deck may take to print before it is given up. */
  timeout: z.number().positive().max(3600).optional(),
})

const imagesOptions = z.strictObject({
  /** The image format of each slide: png (default), jpeg or webp. */
  format: z.enum(['png', 'jpeg', 'webp']).optional(),
  /** Pixels per CSS pixel of the slide: 1 (default) makes a 1280×720 image of a 16:9 slide. */
  scale: z.number().positive().max(4).optional(),
})

/** What people write in `marp-site.config.*` or `package.json#marpSite`. Every key is optional. */
export const userConfigSchema = z.strictObject({
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  /**
   * The site's public address (`https://talks.example.com/`): social cards and Open Graph tags, canonical
   * links, `sitemap.xml` and `feed.xml`, and links from PDFs into the site. `baseUrl` is its older name.
   */
  url: publicUrl('url').optional(),
  baseUrl: publicUrl('baseUrl').optional(),
  /** The picture shared links show for the index page, and for decks without an `image:` directive (an absolute URL, or a site path). */
  ogImage: z.string().min(1).optional(),
  /** `private`: speaker notes stay out of every file of the site (PDFs keep them only when `pdf.notes` asks). */
  notes: z.enum(['public', 'private']).optional(),
  /** Each deck's speaker notes as text beside its page, `<slug>/notes.md` (true or "md") or `notes.txt`. */
  notesFile: z.union([z.boolean(), z.literal('md'), z.literal('txt')]).optional(),
  lang: z
    .string()
    .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as "en" or "pt-BR"')
    .optional(),
  theme: z.string().min(1).optional(),
  /**
   * More themes besides the themes dir: CSS files or folders of them, relative to the root, or a CSS
   * file of an installed package (`some-theme-package/theme.css`).
   */
  themes: z.array(z.string().min(1)).optional(),
  /** A marp-cli config file (`.marprc.yml`, `marp.config.mjs`, ...) whose options this config starts from. */
  extends: z.string().min(1).optional(),
  slidesDir: z.string().min(1).optional(),
  themesDir: z.string().min(1).optional(),
  templatesDir: z.string().min(1).optional(),
  outDir: z.string().min(1).optional(),
  /** Globs, relative to the slides dir, of Markdown files that are not decks (besides the defaults: see discover/decks.ts). */
  exclude: z.array(z.string().min(1)).optional(),
  /** Only Markdown files whose front-matter says `marp: true` are decks (as Marp for VS Code decides). */
  marpOnly: z.boolean().optional(),
  /** Every page's icon: an SVG, PNG or ICO file, relative to the root (default: marp-site's own, inline). */
  favicon: z
    .string()
    .regex(/\.(svg|png|ico)$/i, 'must be an .svg, .png or .ico file')
    .optional(),
  /** The colour browsers tint their tab bar and window with (`<meta name="theme-color">`). */
  themeColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{3,8}$|^[a-z]+$/, 'must be a colour such as "#c2410c" or "teal"')
    .optional(),
  /** Deck pages with their CSS, scripts, images and fonts inside, for sending one file (larger site). */
  singleFile: z.boolean().optional(),
  /** Where renders and the last build's fingerprint are kept between runs; false turns the cache off. */
  cacheDir: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** `auto` (default): a PDF per deck when a browser is found; true: required; false: none; or an object. */
  pdf: z.union([z.literal('auto'), z.boolean(), pdfOptions]).optional(),
  /** An image of every slide (`<slug>/slides/001.png`...): true, or the format and scale; off by default. */
  images: z.union([z.boolean(), imagesOptions]).optional(),
  /** A PowerPoint file of each deck (`<slug>/<name>.pptx`): one picture per slide, the speaker notes in its notes. */
  pptx: z.boolean().optional(),
  /** Seconds one deck may take to render before its worker is stopped and the deck reported. */
  renderTimeout: z.number().positive().max(3600).optional(),
  /** Chromium, Chrome or Edge to print with; else `CHROME_PATH`, else the usual install locations. */
  browserPath: z.string().min(1).optional(),
  marp: marpOptions.optional(),
  /**
   * A module with marp-cli's engine signature, `({ marp }) => marp.use(plugin)`, relative to the root
   * or an installed package: how markdown-it plugins are added. Loaded in every render thread.
   */
  engine: z.string().min(1).optional(),
  /**
   * The index page's sections: folders of the slides dir (`talks`, `talks/2024`), each with its heading,
   * in this order; folders not named come after, by name (see "Search and browse" in the README).
   */
  sections: z.array(z.union([z.string().min(1), z.strictObject({ folder: z.string().min(1), title: z.string().min(1).optional() })])).optional(),
  /** Rules switched off (`off` or false) or to another severity; decks can do the same in their front-matter. */
  rules: z.partialRecord(z.enum(SWITCHABLE_RULES), z.union([z.enum(['off', 'warning', 'error']), z.literal(false)])).optional(),
})

export type UserConfig = z.infer<typeof userConfigSchema>
export type MarpOptionsConfig = z.infer<typeof marpOptions>

/**
 * The keys an object of the config accepts at `path` (`['pdf']` → `enabled`, `notes`, ...), for "did
 * you mean" hints on nested keys; empty where the config takes no object.
 */
export function configKeysAt(path: readonly PropertyKey[]): readonly string[] {
  let schema: z.ZodType | undefined = userConfigSchema
  for (const segment of path) {
    const object = objectOf(schema)
    schema = object?.shape[String(segment)] as z.ZodType | undefined
  }
  const object = objectOf(schema)
  return object ? Object.keys(object.shape) : []
}

/** The object schema behind an optional or a union (`pdf` is "auto", a boolean or an object). */
function objectOf(schema: z.ZodType | undefined): z.ZodObject | undefined {
  if (schema instanceof z.ZodOptional) return objectOf(schema.unwrap() as z.ZodType)
  if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as readonly z.ZodType[]) {
      const found = objectOf(option)
      if (found) return found
    }
  }
  return schema instanceof z.ZodObject ? schema : undefined
}
