/** Small DOM helpers for the runtime. */

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value)
  for (const child of children) el.append(child)
  return el
}

const ICONS: Record<string, string> = {
  prev: 'M15 5l-7 7 7 7',
  next: 'M9 5l7 7-7 7',
  grid: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  presenter: 'M3 4h18v12H3zM8 20h8M12 16v4',
  fullscreen: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  home: 'M4 11l8-7 8 7M6 10v10h12V10',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 5l12 7-12 7z',
  reset: 'M4 12a8 8 0 1 0 3-6.2M4 4v5h5',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
}

/** A line icon drawn with SVG, so no icon font or emoji glyph is needed. */
export function icon(name: keyof typeof ICONS | string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('width', '18')
  svg.setAttribute('height', '18')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('class', 'ms-icon')
  const path = document.createElementNS(ns, 'path')
  path.setAttribute('d', ICONS[name] ?? '')
  path.setAttribute('fill', 'none')
  path.setAttribute('stroke', 'currentColor')
  path.setAttribute('stroke-width', '2')
  path.setAttribute('stroke-linecap', 'round')
  path.setAttribute('stroke-linejoin', 'round')
  svg.append(path)
  return svg
}

export function button(label: string, content: string | Node, onClick: () => void, extra: Record<string, string> = {}): HTMLButtonElement {
  const el = h('button', { type: 'button', 'aria-label': label, title: label, ...extra }, content)
  el.addEventListener('click', (event) => {
    event.stopPropagation()
    onClick()
  })
  return el
}

/** The deck's data the template embeds as JSON. */
export interface DeckData {
  readonly title: string
  readonly notes: readonly string[]
  readonly indexHref: string
  /** The deck's PDF, relative to the page, when one was made. */
  readonly pdfHref?: string
}

export function readDeckData(): DeckData {
  const el = document.getElementById('marp-site-deck')
  const fallback: DeckData = { title: document.title, notes: [], indexHref: '../index.html' }
  if (!el?.textContent) return fallback
  try {
    return { ...fallback, ...(JSON.parse(el.textContent) as Partial<DeckData>) }
  } catch {
    // A data block that does not parse (a hand-edited page): the page still presents, without its extras.
    return fallback
  }
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))
}
