import type { Problem } from '../problems.js'
import { problem } from '../rules.js'

/** Pixels a slide may overflow by before it counts (sub-pixel rounding). */
export const TOLERANCE_PX = 1

export interface Overflow {
  readonly slide: number
  readonly px: number
  readonly side: string
}

/** The `overflow` problems of a deck from what measureOverflow found on its page. */
export function overflowProblems(source: string, found: readonly Overflow[]): Problem[] {
  return found.map(({ slide, px, side }) =>
    problem(
      'overflow',
      { file: source, slide },
      `slide ${slide}: content runs ${px} px past the ${side} of the slide; split the slide (a \`---\` or \`headingDivider\`), shrink it with a class (\`<!-- _class: small -->\` and a style), or mark a long heading \`# <!-- fit --> …\``,
    ),
  )
}

/**
 * Runs in a deck page laid out with every slide showing (print, or `?view=measure`): for each slide,
 * how far its content goes past the slide box, in slide pixels, when that is more than `tolerance`.
 * Backgrounds are not content. Self-contained, as the browser driver sends it to the page as source
 * text; the dev server's live client runs it on a hidden copy of the page.
 */
export function measureOverflow(tolerance: number, doc: Document = document): Overflow[] {
  const out: Overflow[] = []
  const svgs = Array.from(doc.querySelectorAll('div.marpit > svg[data-marpit-svg]')) as SVGSVGElement[]
  svgs.forEach((svg, index) => {
    // Pixels of the slide, not of the screen: a page that shows slides scaled is measured the same.
    const width = svg.viewBox.baseVal?.width || 0
    const scale = width > 0 ? svg.getBoundingClientRect().width / width : 1
    const sections = Array.from(svg.querySelectorAll(':scope > foreignObject > section')).filter(
      (s) => !['background', 'pseudo'].includes(s.getAttribute('data-marpit-advanced-background') ?? ''),
    ) as HTMLElement[]
    let worst = { px: 0, side: 'bottom' }
    for (const section of sections) {
      const box = section.getBoundingClientRect()
      const taller = section.scrollHeight - section.clientHeight
      if (taller > worst.px) worst = { px: taller, side: 'bottom' }
      for (const el of Array.from(section.querySelectorAll('*'))) {
        if (el.closest('[data-marpit-advanced-background-container]')) continue
        // Inside an inline SVG (KaTeX's \sqrt, icons) the SVG's own box clips; measure the SVG itself.
        const inner = el.parentElement?.closest('svg')
        if (inner && section.contains(inner)) continue
        const r = el.getBoundingClientRect()
        if (r.width === 0 && r.height === 0) continue
        const sides: [number, string][] = [
          [r.bottom - box.bottom, 'bottom'],
          [r.right - box.right, 'right'],
          [box.left - r.left, 'left'],
          [box.top - r.top, 'top'],
        ]
        for (const [px, side] of sides) if (px > worst.px) worst = { px, side }
      }
    }
    const px = worst.px / (scale > 0 ? scale : 1)
    if (px > tolerance) out.push({ slide: index + 1, px: Math.round(px), side: worst.side })
  })
  return out
}
