// The compat run's own measure of where slide content lies, run in marp-cli's page (not marp-site's, and not
// with marp-site's measure code): the referee for marp-site's overflow and crowded problems.

/**
 * Runs in the page (sent as source text: self-contained). For each slide (`svg[data-marpit-svg]`, in order),
 * the pixels by which what is seen of its content goes past the section's border box (`overflow`) and, for
 * content that stays inside, into its padding (`crowded`), per side, when more than `tolerance` slide pixels.
 *
 * What is seen of an element or a text run is its box cut by every ancestor up to the section that clips
 * (an `overflow` other than visible, `contain: paint`, or an absolutely placed box with a `clip`). Only the
 * outermost box of an inline SVG counts. Headers, footers and absolutely or fixed placed boxes sit in the
 * padding by design: they count for the edge, not for the padding. Marpit's background layers are not content.
 */
export function measureEdges(tolerance) {
  const SIDES = ['top', 'right', 'bottom', 'left']
  const result = []
  const intersect = (a, b) => ({
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
    left: Math.max(a.left, b.left),
  })
  const empty = (r) => r.right - r.left <= 0 || r.bottom - r.top <= 0
  for (const svg of document.querySelectorAll('svg[data-marpit-svg]')) {
    const viewWidth = svg.viewBox.baseVal.width
    const k = viewWidth > 0 ? svg.getBoundingClientRect().width / viewWidth : 1
    const past = { overflow: { top: 0, right: 0, bottom: 0, left: 0 }, crowded: { top: 0, right: 0, bottom: 0, left: 0 } }
    const contentSections = [...svg.querySelectorAll('foreignObject > section')].filter((s) => {
      const layer = s.getAttribute('data-marpit-advanced-background')
      return layer !== 'background' && layer !== 'pseudo'
    })
    for (const section of contentSections) {
      const border = section.getBoundingClientRect()
      const cs = getComputedStyle(section)
      const px = (name) => Number.parseFloat(cs.getPropertyValue(name)) || 0
      const padding = {
        top: border.top + (px('padding-top') + px('border-top-width')) * k,
        right: border.right - (px('padding-right') + px('border-right-width')) * k,
        bottom: border.bottom - (px('padding-bottom') + px('border-bottom-width')) * k,
        left: border.left + (px('padding-left') + px('border-left-width')) * k,
      }
      const note = (rect, clip, inPadding) => {
        const seen = intersect(rect, clip)
        if (empty(seen)) return
        past.overflow.top = Math.max(past.overflow.top, border.top - seen.top)
        past.overflow.right = Math.max(past.overflow.right, seen.right - border.right)
        past.overflow.bottom = Math.max(past.overflow.bottom, seen.bottom - border.bottom)
        past.overflow.left = Math.max(past.overflow.left, border.left - seen.left)
        if (inPadding) return
        past.crowded.top = Math.max(past.crowded.top, padding.top - seen.top)
        past.crowded.right = Math.max(past.crowded.right, seen.right - padding.right)
        past.crowded.bottom = Math.max(past.crowded.bottom, seen.bottom - padding.bottom)
        past.crowded.left = Math.max(past.crowded.left, padding.left - seen.left)
      }
      // A stack instead of recursion: [node, clip rectangle, placed in the padding by design].
      const open = { top: -1e9, right: 1e9, bottom: 1e9, left: -1e9 }
      const stack = []
      const pushChildren = (node, clip, placed) => {
        const kids = node.shadowRoot
          ? node.shadowRoot.childNodes
          : node.localName === 'slot' && node.assignedNodes().length
            ? node.assignedNodes()
            : node.childNodes
        for (const kid of kids) stack.push([kid, clip, placed])
      }
      pushChildren(section, open, false)
      const range = document.createRange()
      while (stack.length > 0) {
        const [node, clip, placedAbove] = stack.pop()
        if (node.nodeType === Node.TEXT_NODE) {
          if (!node.data.trim()) continue
          range.selectNodeContents(node)
          for (const r of range.getClientRects()) note(r, clip, placedAbove)
          continue
        }
        if (node.nodeType === Node.DOCUMENT_FRAGMENT_NODE) {
          for (const kid of node.childNodes) stack.push([kid, clip, placedAbove])
          continue
        }
        if (node.nodeType !== Node.ELEMENT_NODE) continue
        if (node.hasAttribute('data-marpit-advanced-background-container')) continue
        const style = getComputedStyle(node)
        if (style.display === 'none' || style.visibility === 'hidden') continue
        const placedBox = style.position === 'absolute' || style.position === 'fixed'
        const placed = placedAbove || placedBox || (node.parentElement === section && (node.localName === 'header' || node.localName === 'footer'))
        const rect = node.getBoundingClientRect()
        if (rect.width > 0 || rect.height > 0) note(rect, clip, placed)
        if (node instanceof SVGElement) continue
        let inner = clip
        const clipsAll = (placedBox && style.clip !== 'auto') || /paint|strict|content/.test(style.contain)
        if (clipsAll || style.overflowX !== 'visible') inner = { ...inner, left: Math.max(inner.left, rect.left), right: Math.min(inner.right, rect.right) }
        if (clipsAll || style.overflowY !== 'visible') inner = { ...inner, top: Math.max(inner.top, rect.top), bottom: Math.min(inner.bottom, rect.bottom) }
        pushChildren(node, inner, placed)
      }
    }
    const pick = (sides) => Object.fromEntries(SIDES.filter((s) => sides[s] / k > tolerance).map((s) => [s, Math.round(sides[s] / k)]))
    const overflow = pick(past.overflow)
    result.push({ overflow, crowded: Object.keys(overflow).length > 0 ? {} : pick(past.crowded) })
  }
  return result
}
