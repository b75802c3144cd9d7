import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MarpSiteError } from '../errors.js'
import { isInside } from '../paths.js'
import { isDirectory, isFile } from './files.js'
import { cacheDirFor, loadUserConfig } from './load.js'
import type { UserConfig } from './schema.js'
import type { InlineConfig, PdfConfig, ResolvedConfig } from './types.js'

/** The directory marp-site is installed in (holds the built-in `themes/` and `templates/`). */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url))

export const DEFAULT_THEME = 'marp-site'

/** Loads the config file and merges CLI flags over it over the defaults. */
export async function resolveConfig(inline: InlineConfig = {}): Promise<ResolvedConfig> {
  const root = path.resolve(inline.root ?? process.cwd())
  if (!(await isDirectory(root))) {
    throw new MarpSiteError('USAGE', `Project root is not a directory: ${inline.root ?? root}`)
  }
  const { file, config, read, warnings } = await loadUserConfig(root, inline.config, { cache: inline.cache !== false })
  const resolved = mergeConfig(root, file, config, inline, { sources: read ?? [], notices: warnings ?? [] })
  if (resolved.favicon !== undefined && !(await isFile(resolved.favicon))) {
    throw new MarpSiteError('CONFIG', `favicon: ${config.favicon} is not a file (relative to the project root ${root})`)
  }
  return resolved
}

/** Pure part of {@link resolveConfig}: defaults < config file < flags. */
export function mergeConfig(
  root: string,
  configFile: string | undefined,
  user: UserConfig,
  inline: InlineConfig = {},
  from: { readonly sources: readonly string[]; readonly notices: readonly string[] } = { sources: [], notices: [] },
): ResolvedConfig {
  const dir = (flag: string | undefined, fromFile: string | undefined, fallback: string) => path.resolve(root, flag ?? fromFile ?? fallback)

  const resolved: ResolvedConfig = {
    root,
    configFile,
    title: user.title ?? 'Presentations',
    description: user.description ?? '',
    baseUrl: publicUrl(user),
    ogImage: user.ogImage,
    notes: inline.notes ?? user.notes ?? 'public',
    notesFile: inline.notesFile ? (user.notesFile === 'txt' ? 'txt' : 'md') : user.notesFile === true ? 'md' : (user.notesFile ?? false),
    publish: inline.publish ?? true,
    // Never the machine's locale: the same input must give the same site everywhere.
    lang: user.lang ?? 'en',
    theme: user.theme ?? DEFAULT_THEME,
    slidesDir: dir(inline.slidesDir, user.slidesDir, 'slides'),
    themesDir: dir(inline.themesDir, user.themesDir, 'themes'),
    // As written: discovery resolves each against the root, else as a file of an installed package.
    themes: Object.freeze([...(user.themes ?? [])]),
    templatesDir: dir(inline.templatesDir, user.templatesDir, 'templates'),
    outDir: dir(inline.outDir, user.outDir, 'dist'),
    sources: Object.freeze([...from.sources]),
    notices: Object.freeze([...from.notices]),
    exclude: Object.freeze([...(user.exclude ?? [])]),
    marpOnly: user.marpOnly ?? false,
    favicon: user.favicon === undefined ? undefined : path.resolve(root, user.favicon),
    // The accent of marp-site's own index page.
    themeColor: user.themeColor ?? '#c2410c',
    singleFile: inline.singleFile ?? user.singleFile ?? false,
    cacheDir: inline.cache === false || user.cacheDir === false ? undefined : cacheDirFor(root, user.cacheDir),
    pdf: Object.freeze(resolvePdf(root, user, inline)),
    images: user.images
      ? Object.freeze({
          format: (user.images === true ? undefined : user.images.format) ?? 'png',
          scale: (user.images === true ? undefined : user.images.scale) ?? 1,
        })
      : undefined,
    pptx: inline.pptx ?? user.pptx ?? false,
    renderTimeoutMs: (user.renderTimeout ?? 10) * 1000,
    // marp-core's default math engine, named so that the render cache key says which one renders.
    marp: Object.freeze({ ...user.marp, math: user.marp?.math ?? 'mathjax' }),
    engine: user.engine,
    rules: Object.freeze(Object.fromEntries(Object.entries(user.rules ?? {}).map(([rule, setting]) => [rule, setting === false ? 'off' : setting]))),
    sections: Object.freeze(
      (user.sections ?? []).map((s) => Object.freeze(typeof s === 'string' ? { folder: s, title: undefined } : { folder: s.folder, title: s.title })),
    ),
    builtin: Object.freeze({
      themesDir: path.join(PACKAGE_DIR, 'themes'),
      templatesDir: path.join(PACKAGE_DIR, 'templates'),
    }),
  }
  checkOutDir(resolved)
  return Object.freeze(resolved)
}

/** Config `url`, or its older name `baseUrl` (both only when they agree), ending in `/`. */
function publicUrl(user: UserConfig): string | undefined {
  if (user.url !== undefined && user.baseUrl !== undefined && user.url.replace(/\/*$/, '') !== user.baseUrl.replace(/\/*$/, '')) {
    throw new MarpSiteError('CONFIG', `url (${user.url}) and baseUrl (${user.baseUrl}) disagree: baseUrl is the older name of url; keep only url`)
  }
  const url = user.url ?? user.baseUrl
  return url === undefined ? undefined : url.replace(/\/*$/, '/')
}

function resolvePdf(root: string, user: UserConfig, inline: InlineConfig): PdfConfig {
  const fromFile = typeof user.pdf === 'object' ? user.pdf : { enabled: user.pdf }
  const enabled = inline.pdf ?? fromFile.enabled ?? 'auto'
  const browser = inline.browserPath ?? user.browserPath
  return {
    mode: enabled === 'auto' ? 'auto' : enabled ? 'on' : 'off',
    notes: fromFile.notes === true ? 'annotations' : (fromFile.notes ?? false),
    timeoutMs: (fromFile.timeout ?? 60) * 1000,
    browserPath: browser === undefined ? undefined : path.resolve(root, browser),
  }
}

/** The out dir is replaced wholesale on every build, so it must not hold or sit inside anything of the user's. */
function checkOutDir(config: ResolvedConfig): void {
  const out = config.outDir
  const inside = (child: string, parent: string) => isInside(parent, child)
  if (inside(config.root, out)) {
    throw new MarpSiteError('CONFIG', `The out dir (${out}) must not be the project root or contain it`)
  }
  // Decks found anywhere in the project (the slides dir is the root): the out dir and the cache are
  // left out of the search (see discover/decks.ts), so they may sit inside it.
  const slidesAtRoot = path.resolve(config.slidesDir) === path.resolve(config.root)
  for (const [name, dir] of [
    ...(slidesAtRoot ? [] : [['slides', config.slidesDir] as const]),
    ['themes', config.themesDir],
    ['templates', config.templatesDir],
    ...(config.cacheDir === undefined ? [] : [['cache', config.cacheDir] as const]),
  ] as const) {
    if (inside(out, dir) || inside(dir, out)) {
      throw new MarpSiteError(
        'CONFIG',
        `The out dir (${path.relative(config.root, out) || '.'}) overlaps the ${name} dir (${path.relative(config.root, dir) || '.'}); choose another --out`,
      )
    }
  }
}
