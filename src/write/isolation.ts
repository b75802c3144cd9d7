/**
 * The rule every deck's stylesheet ends with: the slides' container starts from the browser's initial
 * values (black text, the default font at 16px, normal line height, a light colour scheme) whatever
 * the page around it sets on `html` or `body`, as if the slides were alone in a blank page as with
 * marp-cli. A theme written from scratch then looks the same on the deck page, in the presenter view,
 * in the index thumbnail, in the PDF and in a self-contained page. It only blocks inheritance:
 * `:where()` gives it no specificity, so a template's own `div.marpit` rules (layout, size) still win.
 * The root font size that `rem` resolves against is the page's: the templates leave `html` at 16px.
 */
export const SLIDE_ISOLATION = ':where(div.marpit){all:initial;display:block;color-scheme:light}'

/** A deck's CSS with the isolation rule after it (after, so that the CSS's own `@import`s stay first). */
export function isolated(css: string): string {
  return `${css}\n${SLIDE_ISOLATION}\n`
}
