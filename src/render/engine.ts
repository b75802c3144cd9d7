import { Marp, type MarpOptions } from '@marp-team/marp-core'
import type { MarpOptionsConfig } from '../config/schema.js'
import type { ThemeSource } from '../discover/themes.js'
import { MarpSiteError } from '../errors.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { themeImports } from './css-imports.js'
import { looseKeys, useMarpCliDirectives } from './directives.js'
import { remoteBackgroundPlugin, WEB_FONT_IMPORTS } from './external.js'
import { assetPlugin, backgroundDirectivePlugin, nestingPlugin, noEmptyDividedSlidePlugin, slideLinesPlugin } from './plugin.js'
import type { EngineModule } from './engine-module.js'
import type { Extension } from './extension.js'
import { KATEX_FONT_DIR, SITE_ROOT, TWEMOJI_DIR } from './refs.js'
import { installTransitionDirective } from './transition.js'
import { mermaidPlugin } from './mermaid.js'
import { installCodeLines } from './code-plugin.js'

export { KATEX_FONT_DIR, TWEMOJI_DIR } from './refs.js'

export interface Engine {
  readonly marp: Marp
  /** Registered theme names, built-ins included. */
  readonly themeNames: readonly string[]
  readonly defaultTheme: string
  /** The front-matter keys Marpit reads as loose YAML (its directives and the custom ones). */
  readonly looseKeys: readonly string[]
  /** Problems with theme files (syntax errors, missing `@theme`, bad `@import`). */
  readonly problems: readonly Problem[]
  /** The config's engine module, when it has one. */
  readonly module?: EngineModule | undefined
}

export interface EngineOptions {
  readonly themes: readonly ThemeSource[]
  readonly defaultTheme: string
  readonly marp: Readonly<MarpOptionsConfig>
  /** Reuse the CSS of decks with the same theme, size and styles (default true; false for tests). */
  readonly reuseStyles?: boolean
  /** The config's engine module, loaded (see extension.ts): adds markdown-it plugins. */
  readonly extend?: Extension | undefined
  /** Where `extend` comes from, to name it when it fails on a deck. */
  readonly engine?: EngineModule | undefined
}

/** One marp-core engine for the whole build, with every theme registered and our plugin installed. */
export function createEngine(options: EngineOptions): Engine {
  const constructorOptions = marpOptions(options.marp)
  const base = new Marp(constructorOptions)
  const marp = options.extend ? options.extend(base, constructorOptions) : base
  marp.use(assetPlugin as unknown as Parameters<Marp['use']>[0])
  marp.use(backgroundDirectivePlugin as unknown as Parameters<Marp['use']>[0])
  marp.use(noEmptyDividedSlidePlugin as unknown as Parameters<Marp['use']>[0])
  marp.use(nestingPlugin as unknown as Parameters<Marp['use']>[0])
  marp.use(slideLinesPlugin as unknown as Parameters<Marp['use']>[0])
  marp.use(mermaidPlugin as unknown as Parameters<Marp['use']>[0])
  // marp-cli's directives first; then `transition`, which the transition plugin makes a real one.
  useMarpCliDirectives(marp)
  installTransitionDirective(marp)
  installCodeLines(marp, { lineNumbers: options.marp.lineNumbers })
  marp.use(remoteBackgroundPlugin as unknown as Parameters<Marp['use']>[0])

  const problems: Problem[] = []
  const registered: ThemeSource[] = []
  for (const theme of options.themes) {
    try {
      const added = marp.themeSet.add(theme.css)
      if (!added.name) throw new Error('no name')
      registered.push(theme)
    } catch (error) {
      problems.push(themeProblem(theme, error))
    }
  }

  const themeNames = [...marp.themeSet.themes()].map((t) => t.name)
  const defaultTheme = marp.themeSet.get(options.defaultTheme)
  if (!defaultTheme) {
    throw new MarpSiteError('CONFIG', `The config's theme "${options.defaultTheme}" is not a registered theme (known: ${themeNames.join(', ')})`)
  }
  marp.themeSet.default = defaultTheme

  for (const theme of registered) problems.push(...importProblems(theme, themeNames))
  if (options.reuseStyles !== false) reuseStyles(marp)
  return { marp, themeNames, defaultTheme: defaultTheme.name, looseKeys: looseKeys(marp), problems, module: options.engine }
}

/**
 * Most of a marp-core render is PostCSS packing the theme with the deck's styles, and most decks of a
 * site pack the same inputs. Marpit's pack is a function of the theme, the `size` directive and the
 * pack options (the deck's own `<style>`s, math and emoji CSS, containers), so its result is kept
 * under exactly those. Decks with `<style scoped>` get a random scope key from Marpit and never share.
 */
function reuseStyles(marp: Marp): void {
  const internals = marp as unknown as {
    renderStyle(theme: string | undefined): string
    themeSetPackOptions(): unknown
    lastGlobalDirectives: Record<string, unknown>
  }
  const pack = internals.renderStyle.bind(marp)
  const cache = new Map<string, string>()
  internals.renderStyle = (theme) => {
    const key = JSON.stringify([theme ?? null, internals.lastGlobalDirectives['size'] ?? null, internals.themeSetPackOptions()])
    let css = cache.get(key)
    if (css === undefined) {
      css = pack(theme)
      if (cache.size >= 64) cache.delete(cache.keys().next().value as string)
      cache.set(key, css)
    }
    return css
  }
}

function marpOptions(config: Readonly<MarpOptionsConfig>): MarpOptions {
  // MathJax by default, as marp-core: it typesets to inline SVG, so a page needs nothing from outside.
  // KaTeX's fonts are served from the site, also for a deck that picks KaTeX with its `math` directive.
  const math: MarpOptions['math'] =
    config.math === false ? false : { lib: config.math === 'katex' ? 'katex' : 'mathjax', katexFontPath: `${SITE_ROOT}${KATEX_FONT_DIR}` }
  return {
    // Left unset, marp-core keeps its allowlist of safe tags (img, br, ...); false escapes all HTML.
    ...(config.html === undefined ? {} : { html: config.html }),
    math,
    emoji: {
      shortcode: config.emoji?.shortcode ?? 'twemoji',
      unicode: config.emoji?.unicode ?? 'twemoji',
      twemoji: { base: `${SITE_ROOT}${TWEMOJI_DIR}`, ext: 'svg' },
    },
    minifyCSS: config.minifyCSS ?? true,
    // The page ships marp-core's browser script once as a shared file instead.
    script: false,
    ...(config.markdown ? { markdown: { ...config.markdown } } : {}),
  } as MarpOptions
}

function themeProblem(theme: ThemeSource, error: unknown): Problem {
  const e = error as { name?: string; reason?: string; line?: number; message?: string }
  if (e.name === 'CssSyntaxError') {
    return problem('theme-error', { file: theme.display, line: e.line }, `CSS syntax error: ${e.reason ?? e.message}; theme not registered`)
  }
  const noName = /name/i.test(e.message ?? '')
  return problem(
    'theme-error',
    { file: theme.display },
    noName ? 'has no `/* @theme name */` comment; theme not registered' : `cannot be registered: ${e.message ?? String(error)}`,
  )
}

/** A theme's `@import` must name a registered theme; anything else would be fetched by the browser. */
function importProblems(theme: ThemeSource, themeNames: readonly string[]): Problem[] {
  const problems: Problem[] = []
  for (const { target, index } of themeImports(theme.css)) {
    const line = theme.css.slice(0, index).split('\n').length
    if (themeNames.includes(target)) continue
    // gaia's web fonts, which a theme built on gaia imports too: the site serves its own copy (localWebFonts).
    if (WEB_FONT_IMPORTS[target] !== undefined) continue
    const remote = /^([a-z][a-z0-9+.-]+:)?\/\//i.test(target)
    problems.push(
      remote
        ? problem('external-request', { file: theme.display, line }, `imports ${target}, which the browser fetches from outside the site`)
        : problem('missing-asset', { file: theme.display, line }, `imports "${target}", which is not a registered theme (known: ${themeNames.join(', ')})`),
    )
  }
  return problems
}
