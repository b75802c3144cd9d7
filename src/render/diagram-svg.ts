/**
 * What a Mermaid diagram's SVG needs before it goes into a slide (pure string work, no renderer):
 * beautiful-mermaid writes a `<style>` that `@import`s Google Fonts (a request leaving the site) and
 * whose rules (`svg {…}`, `text {…}`) would apply to every SVG of the page, and element ids (its
 * markers, and the author's node names) that two diagrams of one page would share. Here the imports
 * go, the font becomes the slide's own, every rule is scoped to its diagram and every id is prefixed.
 */

/** The attribute that marks a diagram's root `<svg>` (the name marp-core 5 uses, so theme CSS written for it applies). */
export const DIAGRAM_ATTR = 'data-marp-mermaid'

/**
 * Colours given to the renderer: each is a CSS variable a theme may set, else one derived in the
 * browser from the slide's text and background colours. An unset variable without a fallback makes
 * the renderer's own derivation (a mix of foreground and background) apply.
 */
export const DIAGRAM_COLORS = {
  bg: 'var(--marp-mermaid-background, var(--color-background, transparent))',
  fg: 'var(--marp-mermaid-foreground, var(--color-foreground, currentColor))',
  line: 'var(--marp-mermaid-line)',
  accent: 'var(--marp-mermaid-accent)',
  muted: 'var(--marp-mermaid-muted)',
  surface: 'var(--marp-mermaid-surface)',
  border: 'var(--marp-mermaid-border)',
} as const

/**
 * The deck CSS of a deck with diagrams: a diagram keeps its natural size, or is scaled down to the
 * slide's content width and to `--marp-mermaid-max-height` (default 75 % of the content height:
 * room for a heading). The slide becomes a size container for that, only when it holds a diagram.
 */
export const DIAGRAM_CSS = [
  `section:has(svg[${DIAGRAM_ATTR}]){container-type:size}`,
  `svg[${DIAGRAM_ATTR}]{display:block;margin-inline:auto;max-width:100%;height:auto;max-height:var(--marp-mermaid-max-height,75cqh)}`,
].join('\n')

const STYLE = /<style>([\s\S]*?)<\/style>/g
const IMPORT = /@import\s+url\([^)]*\)\s*;?/g
const RULE = /([^{}]+)\{([^{}]*)\}/g

/** Scopes a diagram's SVG to itself: `n` numbers it within its deck (its ids become `mermaid-<n>-…`). */
export function scopeDiagram(svg: string, n: number): string {
  const prefix = `mermaid-${n}-`
  const scope = `svg[${DIAGRAM_ATTR}="${n}"]`
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? ''))
  let out = svg.replace(STYLE, (_, css: string) => `<style>${scopeCss(css.replace(IMPORT, ''), scope)}</style>`)
  out = out.replace(/(\sid=")([^"]+)"/g, (_, lead: string, id: string) => `${lead}${prefix}${id}"`)
  out = out.replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : whole))
  out = out.replace(/(\s(?:xlink:)?href=")#([^"]+)"/g, (whole, lead: string, id: string) => (ids.has(id) ? `${lead}#${prefix}${id}"` : whole))
  return out.replace(/^<svg\b/, `<svg ${DIAGRAM_ATTR}="${n}"`)
}

/** Each rule's selectors under `scope`; the root `svg` becomes `scope` itself; text takes the slide's font. */
function scopeCss(css: string, scope: string): string {
  return css.replace(RULE, (_, selectors: string, body: string) => {
    const scoped = selectors
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => (s === 'svg' ? scope : s.startsWith('svg ') ? `${scope} ${s.slice(4)}` : `${scope} ${s}`))
      .join(', ')
    const trimmed = selectors.trim()
    const declarations =
      trimmed === 'text'
        ? ' font-family: var(--marp-mermaid-font, inherit); '
        : trimmed === '.mono'
          ? ' font-family: var(--marp-mermaid-mono-font, ui-monospace, monospace); '
          : body
    return `\n  ${scoped} {${declarations}}`
  })
}
