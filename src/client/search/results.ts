import type { Hit } from './records.js'
import { highlight } from './text.js'

/** At most this many results are shown (all are counted). */
export const SHOWN = 50

/** The results list: a labelled list of links, each to its slide (`<slug>/index.html#N`). */
export function renderResults(list: HTMLElement, hits: readonly Hit[]): void {
  const items = hits.slice(0, SHOWN).map((hit) => {
    const n = hit.slide?.n ?? 1
    const li = document.createElement('li')
    const a = document.createElement('a')
    a.className = 'ms-hit'
    a.href = `${hit.deck.u}#${n}`
    const image = hit.slide?.i
    if (image) {
      const img = document.createElement('img')
      img.className = 'ms-hit-img'
      img.src = image
      img.alt = ''
      img.loading = 'lazy'
      a.append(img)
    }
    const body = document.createElement('span')
    body.className = 'ms-hit-body'
    const where = document.createElement('span')
    where.className = 'ms-hit-where'
    where.append(strong(hit.deck.t), hit.slide ? ` · slide ${n}` : ' · deck')
    body.append(where)
    const [label, text] = hit.slide
      ? [hit.slide.h, hit.slide.t || hit.slide.o || '']
      : [undefined, [hit.deck.d, ...(hit.deck.g ?? []), ...(hit.deck.a ?? [])].filter(Boolean).join(' · ')]
    if (label) body.append(line('ms-hit-heading', label, hit.terms))
    // Notes matched but not the text: show the notes.
    const shown = hit.slide?.o && !matches(hit.slide.t, hit.terms) && !matches(hit.slide.h ?? '', hit.terms) ? hit.slide.o : text
    if (shown) body.append(line('ms-hit-text', shown, hit.terms))
    a.append(body)
    li.append(a)
    return li
  })
  list.replaceChildren(...items)
}

function strong(text: string): HTMLElement {
  const el = document.createElement('strong')
  el.textContent = text
  return el
}

function matches(text: string, terms: readonly string[]): boolean {
  return highlight(text, terms, 1e9).some((p) => p.hit)
}

function line(className: string, text: string, terms: readonly string[]): HTMLElement {
  const el = document.createElement('span')
  el.className = className
  for (const piece of highlight(text, terms)) {
    if (piece.hit) {
      const mark = document.createElement('mark')
      mark.textContent = piece.text
      el.append(mark)
    } else el.append(piece.text)
  }
  return el
}

/** What the live region says: how many slides matched. */
export function countText(hits: readonly Hit[], query: string): string {
  if (hits.length === 0) return `No slides match “${query}”`
  const slides = hits.filter((h) => h.slide).length
  const decks = new Set(hits.map((h) => h.deck.s)).size
  const what = slides === hits.length ? `${slides} ${slides === 1 ? 'slide' : 'slides'}` : `${hits.length} ${hits.length === 1 ? 'result' : 'results'}`
  const more = hits.length > SHOWN ? `, the first ${SHOWN} shown` : ''
  return `${what} in ${decks} ${decks === 1 ? 'deck' : 'decks'}${more}`
}
