import type { DeckController } from './deck.js'
import { h } from './dom.js'
import { matchSlides } from './search/match.js'
import { highlight, tokenize } from './search/text.js'

/**
 * The deck page's search: `/` opens a box that lists the slides matching what is typed (text and
 * notes); Enter or a click jumps to one. The browser's own find (Ctrl+F) is left alone.
 */
export function createDeckSearch(deck: DeckController, notes: readonly string[]) {
  const input = h('input', {
    type: 'search',
    class: 'ms-ds-input',
    'aria-label': 'Search the slides of this deck',
    'aria-controls': 'ms-ds-list',
    'aria-describedby': 'ms-ds-count',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'Search this deck',
  })
  const count = h('p', { id: 'ms-ds-count', class: 'ms-ds-count', role: 'status', 'aria-live': 'polite' })
  const list = h('ol', { id: 'ms-ds-list', class: 'ms-ds-list', 'aria-label': 'Matching slides' })
  const panel = h(
    'div',
    { class: 'ms-ui ms-ds', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Search this deck', hidden: '' },
    h('div', { class: 'ms-ds-box' }, input, count, list),
  )
  let texts: string[] | undefined
  let headings: string[] = []
  let returnFocus: Element | null = null

  const readSlides = () => {
    headings = deck.slides.map((svg) => svg.querySelector('h1, h2, h3, h4, h5, h6')?.textContent?.trim() ?? '')
    texts = deck.slides.map((svg, i) => `${words(svg)} ${notes[i] ?? ''}`)
    return texts
  }
  const buttons = () => [...list.querySelectorAll<HTMLButtonElement>('button')]

  const show = (open: boolean) => {
    if (open === !panel.hidden) return
    panel.hidden = !open
    if (open) {
      returnFocus = document.activeElement
      // The slides may have changed since (dev's live updates): read them again on each opening.
      readSlides()
      input.select()
      input.focus()
      update()
    } else (returnFocus as HTMLElement | null)?.focus?.()
  }
  const jump = (index: number) => {
    show(false)
    deck.goTo(index)
  }
  const update = () => {
    const query = input.value
    const found = query.trim() === '' ? [] : matchSlides(texts ?? readSlides(), query)
    const terms = tokenize(query)
    list.replaceChildren(
      ...found.map((i) => {
        const label = h('span', { class: 'ms-ds-where' }, `Slide ${i + 1}${headings[i] ? ` · ${headings[i]}` : ''}`)
        const snippet = h('span', { class: 'ms-ds-text' })
        for (const piece of highlight(texts?.[i] ?? '', terms, 100)) snippet.append(piece.hit ? h('mark', {}, piece.text) : piece.text)
        const b = h('button', { type: 'button', 'data-slide': String(i + 1) }, label, snippet)
        b.addEventListener('click', () => jump(i))
        return h('li', {}, b)
      }),
    )
    count.textContent = query.trim() === '' ? '' : found.length === 0 ? 'No slide matches' : `${found.length} ${found.length === 1 ? 'slide' : 'slides'}`
  }
  input.addEventListener('input', update)
  panel.addEventListener('keydown', (event) => {
    const all = buttons()
    const at = all.indexOf(document.activeElement as HTMLButtonElement)
    if (event.key === 'Escape') show(false)
    else if (event.key === 'ArrowDown') all[Math.min(at + 1, all.length - 1)]?.focus()
    else if (event.key === 'ArrowUp') (at <= 0 ? input : all[at - 1])?.focus()
    else if (event.key === 'Enter' && event.target === input) {
      const first = all[0]?.dataset['slide']
      if (first) jump(Number(first) - 1)
    } else return
    event.preventDefault()
    event.stopPropagation()
  })
  panel.addEventListener('click', (event) => {
    event.stopPropagation()
    if (event.target === panel) show(false)
  })
  return {
    element: panel,
    get open() {
      return !panel.hidden
    },
    show,
  }
}

/** A slide's text, a space between elements (textContent would run a heading into the next line). */
function words(svg: Element): string {
  const parts: string[] = []
  const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement?.tagName.toLowerCase()
    if (parent !== 'style' && parent !== 'script') parts.push(node.nodeValue ?? '')
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim()
}
