/**
 * `@import` and Marpit's `@import-theme` in theme CSS and deck styles: `url("…")`, `url('…')`,
 * `url(…)`, a quoted string, or a bare name. A quoted target is taken whole, so a URL with `;` or
 * spaces in it (`family=X:wght@400;700`) stays one target. One pattern for the two readers of theme
 * imports, so that they agree: the theme check (engine.ts: a theme may import only a registered
 * theme, or a remote URL is reported) and the render cache (themes.ts: a render depends on the themes
 * its theme imports).
 */
const THEME_IMPORT = /@import(?:-theme)?\s+(?:url\(\s*(?:(['"])(.*?)\1|([^'")\s]*))\s*\)|(['"])(.*?)\4|([^'"\s;]+))/g

/** Every import in `css` outside comments, with its target and where it starts. */
export function themeImports(css: string): { target: string; index: number }[] {
  return [...blankComments(css).matchAll(THEME_IMPORT)].flatMap((m) => {
    const target = m[2] ?? m[3] ?? m[5] ?? m[6]
    return target ? [{ target, index: m.index }] : []
  })
}

const CSS_COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g

/**
 * `css` with every comment blanked out (spaces, newlines kept), so what a browser never reads is not
 * scanned, and offsets and lines stay those of the source.
 */
export function blankComments(css: string): string {
  return css.includes('/*') ? css.replace(CSS_COMMENT, (c) => c.replace(/[^\n]/g, ' ')) : css
}
