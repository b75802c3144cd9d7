/**
 * `@import` and Marpit's `@import-theme` in theme CSS and deck styles, quoted or in `url()`, quoted or
 * not: group 2 is the target. One pattern for the two readers of theme imports, so that they agree:
 * the theme check (engine.ts: a theme may import only a registered theme) and the render cache
 * (themes.ts: a render depends on the themes its theme imports).
 */
const THEME_IMPORT = /@import(?:-theme)?\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1/g

/** Every import in `css`, with its target and where it starts. */
export function themeImports(css: string): { target: string; index: number }[] {
  return [...css.matchAll(THEME_IMPORT)].flatMap((m) => (m[2] ? [{ target: m[2], index: m.index }] : []))
}
