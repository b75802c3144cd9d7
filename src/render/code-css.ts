/**
 * The slide CSS of highlighted code lines (code-plugin.ts adds it to a deck that has some), placed
 * before the theme's CSS, so a theme can restyle any of it. Its colours come from the theme:
 *
 * - `--marp-site-code-highlight`: the background of highlighted lines; else marp-core 5's
 *   `--marp-shiki-line-highlight` (a theme written for it works as it is); else the code's own text
 *   colour at 20 %, which shows on light and dark code alike.
 * - `--marp-site-code-dimmed`: the opacity of the other lines while some are highlighted (0.5; 1
 *   leaves them as they are).
 * - `--marp-site-code-line-number`: the colour of line numbers (the code's text colour at 55 %).
 *
 * Each line is an inline block at least as wide as the code, so a highlighted line is a full band
 * and the code's size (what marp-core's auto-scaling measures) is what it was without lines. An
 * empty line holds a zero-width space, so that it has a height to highlight. Steps highlight only on
 * screen: a printed page or PDF shows the code with no step selected.
 */
export const CODE_LINES_CSS = `
pre code .line{display:inline-block;min-width:100%;box-sizing:border-box;vertical-align:top}
pre code .line:empty::after{content:"\\200b"}
pre code .line.highlighted{background-color:var(--marp-site-code-highlight,var(--marp-shiki-line-highlight,color-mix(in srgb,currentColor 20%,transparent)))}
pre code:has(>.line.highlighted)>.line:not(.highlighted){opacity:var(--marp-site-code-dimmed,.5)}
pre code[data-ms-line-numbers]{counter-reset:marp-site-line}
pre code[data-ms-line-numbers]>.line::before{counter-increment:marp-site-line;content:counter(marp-site-line);display:inline-block;min-width:2ch;margin-right:1.5ch;text-align:right;color:var(--marp-site-code-line-number,color-mix(in srgb,currentColor 55%,transparent))}
pre code[data-ms-line-numbers="1"]>.line::before{min-width:1ch}
pre code[data-ms-line-numbers="3"]>.line::before{min-width:3ch}
pre code[data-ms-line-numbers="4"]>.line::before{min-width:4ch}
@media print{pre code[data-ms-steps]>.line{opacity:1!important;background:none!important;border-image:none!important}}
`.trim()
