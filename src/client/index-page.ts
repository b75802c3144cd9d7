/**
 * marp-site's index page script: search across every slide, filters by tag, author and year, sort
 * by date or title, all kept in the URL. A classic script (it must work from file://); without it the
 * page lists every deck and the filter links still lead somewhere. The search engine and its data are
 * loaded only when someone searches (search/load.ts), never before the first paint.
 */
import { isTyping } from './dom.js'
import { loadSearch } from './search/load.js'
import type { SearchEngine } from './search/records.js'
import { countText, renderResults } from './search/results.js'
import { type BrowseState, type DeckFields, filtered, keepDeck, parseState, toSearch } from './search/state.js'

function start(): void {
  const form = document.getElementById('ms-find-form') as HTMLFormElement | null
  const input = document.getElementById('ms-q') as HTMLInputElement | null
  if (!form || !input) return
  const status = document.getElementById('ms-count')
  const results = document.getElementById('ms-results')
  const list = document.getElementById('ms-results-list')
  const main = document.querySelector('main')
  const rows = new Map<string, DeckFields>()
  try {
    for (const row of JSON.parse(document.getElementById('ms-browse')?.textContent ?? '[]') as DeckFields[]) rows.set(row.s, row)
  } catch {
    // A hand-edited page whose data does not parse: the filters keep every deck.
  }
  const cards = [...document.querySelectorAll<HTMLElement>('li.ms-card[data-slug]')]
  const pageOrder = new Map(cards.map((card, i) => [card, i]))
  const select = (name: string) => form.querySelector<HTMLSelectElement>(`select[name="${name}"]`)
  let state = parseState(location.search)
  let engine: SearchEngine | undefined

  const ensureEngine = (): Promise<SearchEngine | undefined> =>
    loadSearch(form.dataset['engine'] ?? '', form.dataset['data'] ?? '').then(
      (loaded) => (engine = loaded),
      () => {
        if (status) status.textContent = 'Search is not available: its files did not load'
        return undefined
      },
    )

  const showControls = () => {
    if (input.value !== state.q) input.value = state.q
    for (const name of ['author', 'year', 'sort'] as const) {
      const el = select(name)
      if (el) el.value = state[name]
    }
    for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-tag]')) {
      const on = link.dataset['tag'] === state.tag
      if (on) link.setAttribute('aria-current', 'true')
      else link.removeAttribute('aria-current')
    }
  }

  const applyFilters = () => {
    for (const card of cards) {
      const row = rows.get(card.dataset['slug'] ?? '')
      card.hidden = row !== undefined && !keepDeck(row, state)
    }
    for (const ul of document.querySelectorAll<HTMLElement>('.ms-grid')) {
      const own = [...ul.children].filter((c): c is HTMLElement => c instanceof HTMLElement && c.matches('li.ms-card'))
      const byTitle = (a: HTMLElement, b: HTMLElement) =>
        (rows.get(a.dataset['slug'] ?? '')?.t ?? '').localeCompare(rows.get(b.dataset['slug'] ?? '')?.t ?? '', undefined, { sensitivity: 'base' })
      const sorted = [...own].sort(state.sort === 'title' ? byTitle : (a, b) => (pageOrder.get(a) ?? 0) - (pageOrder.get(b) ?? 0))
      // Moved only when the order changes: a moved thumbnail's frame loads again.
      if (sorted.some((card, i) => card !== own[i])) ul.append(...sorted)
      const section = ul.closest<HTMLElement>('.ms-section')
      if (section) section.hidden = own.every((c) => c.hidden)
    }
  }

  const applySearch = () => {
    const searching = state.q.trim() !== ''
    if (results) results.hidden = !searching
    if (main) main.hidden = searching
    if (!searching) {
      list?.replaceChildren()
      const shown = cards.filter((c) => !c.hidden).length
      if (status) status.textContent = filtered(state) ? `${shown} of ${cards.length} ${cards.length === 1 ? 'deck' : 'decks'}` : ''
      return
    }
    if (!engine) {
      if (status) status.textContent = 'Loading the search…'
      void ensureEngine().then((loaded) => loaded && applySearch())
      return
    }
    const hits = engine.search(state.q, filtered(state) ? (deck) => keepDeck(deck, state) : undefined)
    if (list) renderResults(list, hits)
    if (status) status.textContent = countText(hits, state.q.trim())
  }

  const apply = () => {
    showControls()
    applyFilters()
    applySearch()
  }

  /** A new state: a new history entry (Back undoes it), or, while typing, the same one updated. */
  const go = (next: BrowseState, push: boolean) => {
    state = next
    const url = `${location.pathname}${toSearch(state)}${location.hash}`
    if (push) history.pushState(null, '', url)
    else history.replaceState(null, '', url)
    apply()
  }

  let typing = false
  input.addEventListener('input', () => {
    // The first keystroke of a search is a history entry; the next ones update it.
    go({ ...state, q: input.value }, !typing && state.q === '')
    typing = true
  })
  input.addEventListener('blur', () => {
    typing = false
  })
  input.addEventListener('focus', () => void ensureEngine(), { once: true })
  form.addEventListener('change', (event) => {
    const el = event.target as HTMLSelectElement
    if (el.tagName !== 'SELECT') return
    go({ ...state, [el.name]: el.value }, true)
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    // Enter in the box opens the first result.
    list?.querySelector<HTMLAnchorElement>('a')?.click()
  })
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>('a[data-tag]')
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return
    event.preventDefault()
    const tag = link.dataset['tag'] ?? ''
    go({ ...state, tag: state.tag === tag ? '' : tag }, true)
  })

  document.addEventListener('keydown', (event) => {
    const links = list ? [...list.querySelectorAll<HTMLAnchorElement>('a')] : []
    const at = links.indexOf(document.activeElement as HTMLAnchorElement)
    if (event.key === '/' && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault()
      input.focus()
      input.select()
    } else if (event.key === 'ArrowDown' && (event.target === input || at !== -1)) {
      event.preventDefault()
      links[Math.min(at + 1, links.length - 1)]?.focus()
    } else if (event.key === 'ArrowUp' && at !== -1) {
      event.preventDefault()
      if (at === 0) input.focus()
      else links[at - 1]?.focus()
    } else if (event.key === 'Escape' && (event.target === input || at !== -1)) {
      if (at !== -1) input.focus()
      else if (input.value !== '') go({ ...state, q: '' }, false)
      else input.blur()
    }
  })

  window.addEventListener('popstate', () => {
    state = parseState(location.search)
    typing = false
    apply()
  })

  apply()
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
else start()
