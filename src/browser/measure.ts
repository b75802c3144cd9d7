import type { Problem } from '../problems.js'
import { problem } from '../rules.js'

/** Pixels a slide may overflow (or crowd its padding) by before it counts (sub-pixel rounding). */
export const TOLERANCE_PX = 1

export type Side = 'bottom' | 'right' | 'top' | 'left'

/**
 * What measureOverflow found on one slide: `overflow`, content past the slide's edge (clipped or not);
 * `crowded`, content that stays inside the edge but runs into the slide's padding (where the header,
 * footer and page number sit). Each side with the pixels past it: bottom, right, top, left.
 */
export interface Overflow {
  readonly slide: number
  readonly kind: 'overflow' | 'crowded'
  readonly sides: readonly { readonly side: Side; readonly px: number }[]
}

/** The `overflow` and `crowded` problems of a deck from what measureOverflow found on its page. */
export function overflowProblems(source: string, found: readonly Overflow[]): Problem[] {
  return found.flatMap(({ slide, kind, sides }) => {
    const [first, ...more] = sides
    if (!first) return []
    const also = more.length === 0 ? '' : ` (and ${more.map((s) => `${s.px} px past the ${s.side}`).join(', ')})`
    if (kind === 'overflow')
      return [
        problem(
          'overflow',
          { file: source, slide },
          `slide ${slide}: content runs ${first.px} px past the ${first.side} of the slide${also}; split the slide (a \`---\` or \`headingDivider\`), shrink it with a class (\`<!-- _class: small -->\` and a style), or mark a long heading \`# <!-- fit --> …\``,
        ),
      ]
    const into = more.length === 0 ? '' : ` (and ${more.map((s) => `${s.px} px into the ${s.side}`).join(', ')})`
    return [
      problem(
        'crowded',
        { file: source, slide },
        `slide ${slide}: content runs ${first.px} px into the ${first.side} padding of the slide${into}, where the header, footer and page number sit; it stays inside the slide, but trim it or shrink it with a class if it crowds them`,
      ),
    ]
  })
}

/**
 * Runs in a deck page laid out with every slide showing (print, or `?view=measure`): for each slide,
 * how far its content goes past the edge of the slide (its section's border box), in slide pixels,
 * side by side, when that is more than `tolerance`; else how far it goes into the slide's padding.
 *
 * Content is every element's box and every text fragment of the slide, through shadow roots (marp-core's
 * auto-scaling) and absolutely positioned parts too; what an element inside the slide hides
 * (`overflow: hidden` or `clip`, an inline SVG, KaTeX's hidden MathML) is cut to that element, but what
 * the slide itself clips counts: the viewer loses it. Backgrounds and pseudo-elements (the page number)
 * are not content. The header, footer and absolutely positioned parts sit in the padding on purpose:
 * they count for overflow, not for crowding.
 *
 * Self-contained, as the browser driver sends it to the page as source text; the dev server's live
 * client runs it on a hidden copy of the page.
 */
export function measureOverflow(tolerance: number, doc: Document = document): Overflow[] {
  type Box = { left: number; top: number; right: number; bottom: number }
  const SIDES = ['bottom', 'right', 'top', 'left'] as const
  const OPEN: Box = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity }
  const view = doc.defaultView ?? window
  const range = doc.createRange()
  const out: Overflow[] = []
  // The children of a node as laid out (the flat tree): a shadow root's, a slot's assigned nodes.
  const children = (node: Node): ArrayLike<Node> => {
    if (node instanceof view.Element && node.shadowRoot) return node.shadowRoot.childNodes
    if (node instanceof view.HTMLSlotElement) {
      const assigned = node.assignedNodes()
      return assigned.length > 0 ? assigned : node.childNodes
    }
    return node.childNodes
  }
  const svgs = Array.from(doc.querySelectorAll('div.marpit > svg[data-marpit-svg]')) as SVGSVGElement[]
  svgs.forEach((svg, index) => {
    // Pixels of the slide, not of the screen: a page that shows slides scaled is measured the same.
    const width = svg.viewBox.baseVal?.width || 0
    const measured = svg.getBoundingClientRect().width
    const scale = width > 0 && measured > 0 ? measured / width : 1
    const sections = Array.from(svg.querySelectorAll(':scope > foreignObject > section')).filter(
      (s) => !['background', 'pseudo'].includes(s.getAttribute('data-marpit-advanced-background') ?? ''),
    ) as HTMLElement[]
    const worst: Record<'overflow' | 'crowded', Record<Side, number>> = {
      overflow: { bottom: 0, right: 0, top: 0, left: 0 },
      crowded: { bottom: 0, right: 0, top: 0, left: 0 },
    }
    for (const section of sections) {
      const edge = section.getBoundingClientRect()
      // The content box, from the section's own scale (a transform or zoom on it), else the slide's.
      const style = view.getComputedStyle(section)
      const sx = section.offsetWidth > 0 ? edge.width / section.offsetWidth : scale
      const sy = section.offsetHeight > 0 ? edge.height / section.offsetHeight : scale
      const inset = (side: string) =>
        (Number.parseFloat(style.getPropertyValue(`padding-${side}`)) || 0) + (Number.parseFloat(style.getPropertyValue(`border-${side}-width`)) || 0)
      const inner: Box = {
        left: edge.left + inset('left') * sx,
        top: edge.top + inset('top') * sy,
        right: edge.right - inset('right') * sx,
        bottom: edge.bottom - inset('bottom') * sy,
      }
      const over = worst.overflow
      const crowd = worst.crowded
      const count = (r: Box, clip: Box, placed: boolean) => {
        // A box with no area shows nothing (an empty header is a wide line of no height): its text, if any, counts on its own.
        if (r.right <= r.left || r.bottom <= r.top) return
        // The part of it that is seen (inside what the elements around cut it to).
        const left = Math.max(r.left, clip.left)
        const top = Math.max(r.top, clip.top)
        const right = Math.min(r.right, clip.right)
        const bottom = Math.min(r.bottom, clip.bottom)
        if (right < left || bottom < top) return
        over.bottom = Math.max(over.bottom, bottom - edge.bottom)
        over.right = Math.max(over.right, right - edge.right)
        over.top = Math.max(over.top, edge.top - top)
        over.left = Math.max(over.left, edge.left - left)
        if (placed) return
        crowd.bottom = Math.max(crowd.bottom, bottom - inner.bottom)
        crowd.right = Math.max(crowd.right, right - inner.right)
        crowd.top = Math.max(crowd.top, inner.top - top)
        crowd.left = Math.max(crowd.left, inner.left - left)
      }
      // `clip`: what the elements around cut it to; `placed`: inside a header, footer or an absolutely
      // positioned part, placed in the padding on purpose; `covered`: the text of an inline element,
      // which lies inside the element's own boxes.
      const visit = (node: Node, clip: Box, placed: boolean, covered: boolean): void => {
        if (node.nodeType === 3) {
          if (covered || !/\S/.test(node.nodeValue ?? '')) return
          range.selectNodeContents(node)
          const rects = range.getClientRects()
          for (let i = 0; i < rects.length; i++) count(rects[i] as DOMRect, clip, placed)
          return
        }
        if (!(node instanceof view.Element)) {
          if (node instanceof view.DocumentFragment) visitAll(children(node), clip, placed, false)
          return
        }
        if (node.hasAttribute('data-marpit-advanced-background-container')) return
        const css = view.getComputedStyle(node)
        const display = css.display
        if (display === 'none') return
        const position = css.position
        const r = node.getBoundingClientRect()
        const here =
          placed ||
          position === 'absolute' ||
          position === 'fixed' ||
          (node.parentElement === section && (node.tagName === 'HEADER' || node.tagName === 'FOOTER'))
        count(r, clip, here)
        // An inline SVG (KaTeX's \sqrt, icons, marp-core's fitting and auto-scaling) shows only its own box.
        if (node instanceof view.SVGElement) return
        let inside = clip
        // What an element inside the slide hides is not seen: cut to its box. A scroll box
        // (`auto`, `scroll`) does not count as hiding: nobody scrolls a slide, and its content is lost.
        const overflow = css.overflow
        const all = ((position === 'absolute' || position === 'fixed') && css.clip !== 'auto') || /paint|strict|content/.test(css.contain)
        if (all || /hidden|clip/.test(overflow)) {
          const hides = (value: string) => value === 'hidden' || value === 'clip'
          if (all || hides(css.overflowX)) inside = { ...inside, left: Math.max(inside.left, r.left), right: Math.min(inside.right, r.right) }
          if (all || hides(css.overflowY)) inside = { ...inside, top: Math.max(inside.top, r.top), bottom: Math.min(inside.bottom, r.bottom) }
        }
        visitAll(children(node), inside, here, display === 'inline')
      }
      const visitAll = (nodes: ArrayLike<Node>, clip: Box, placed: boolean, covered: boolean) => {
        for (let i = 0; i < nodes.length; i++) visit(nodes[i] as Node, clip, placed, covered)
      }
      visitAll(children(section), OPEN, false, false)
    }
    const sidesOf = (found: Record<Side, number>) =>
      // In SIDES order: a slide too tall says the bottom first, though centred content crosses both.
      SIDES.filter((side) => found[side] / scale > tolerance).map((side) => ({ side, px: Math.round(found[side] / scale) }))
    const over = sidesOf(worst.overflow)
    if (over.length > 0) out.push({ slide: index + 1, kind: 'overflow', sides: over })
    else {
      const crowded = sidesOf(worst.crowded)
      if (crowded.length > 0) out.push({ slide: index + 1, kind: 'crowded', sides: crowded })
    }
  })
  return out
}
