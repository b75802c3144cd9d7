/**
 * `@import` and Marpit's `@import-theme` in theme CSS and deck styles: `url("…")`, `url('…')`,
 * `url(…)`, a quoted string, or a bare name. A quoted target is taken whole, so a URL with `;` or
 * spaces in it (`family=X:wght@400;700`) stays one target. One pattern for the two readers of theme
 * imports, so that they agree: the theme check (engine.ts: a theme may import only a registered
 * theme, or a remote URL is reported) and the render cache (themes.ts: a render depends on the themes
 * its theme imports).
 */
const THEME_IMPORT = /@import(?:-theme)?\s+(?:url\(\s*(?:(['"])(.*?)\1|([^'")\s]*))\s*\)|(['"])(.*?)\4|([^'"\s;]+))/g

/** Every import in `css`, with its target and where it starts. */
export function themeImports(css: string): { target: string; index: number }[] {
  return [...css.matchAll(THEME_IMPORT)].flatMap((m) => {
    const target = m[2] ?? m[3] ?? m[5] ?? m[6]
    return target ? [{ target, index: m.index }] : []
  })
}
