/**
 * The index page's browse state (search words, tag, author, year, sort), kept in the URL's query
 * string (`?tag=process&q=rollback`) so that it can be shared, survives a reload and Back undoes it.
 * Pure: unit-tested in Node.
 */

export type SortOrder = 'date' | 'title'

export interface BrowseState {
  readonly q: string
  readonly tag: string
  readonly author: string
  readonly year: string
  /** `date` (newest first, the page's own order) or `title`. */
  readonly sort: SortOrder
}

export const EMPTY_STATE: BrowseState = { q: '', tag: '', author: '', year: '', sort: 'date' }

export function parseState(search: string): BrowseState {
  const params = new URLSearchParams(search)
  return {
    q: params.get('q') ?? '',
    tag: params.get('tag') ?? '',
    author: params.get('author') ?? '',
    year: params.get('year') ?? '',
    sort: params.get('sort') === 'title' ? 'title' : 'date',
  }
}

/** The query string of a state (`?tag=process&q=rollback`), defaults left out; `` when all are. */
export function toSearch(state: BrowseState): string {
  const params = new URLSearchParams()
  if (state.tag) params.set('tag', state.tag)
  if (state.author) params.set('author', state.author)
  if (state.year) params.set('year', state.year)
  if (state.sort !== 'date') params.set('sort', state.sort)
  if (state.q) params.set('q', state.q)
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** What the filters read of a deck (the index's browse data and the search records share these keys). */
export interface DeckFields {
  readonly s: string
  readonly t: string
  /** Date, tags, authors. */
  readonly y?: string
  readonly g?: readonly string[]
  readonly a?: readonly string[]
}

/** Whether a deck passes the tag, author and year filters. */
export function keepDeck(deck: DeckFields, state: BrowseState): boolean {
  if (state.tag && !(deck.g ?? []).includes(state.tag)) return false
  if (state.author && !(deck.a ?? []).includes(state.author)) return false
  if (state.year && !(deck.y ?? '').startsWith(state.year)) return false
  return true
}

/** Whether any filter is set (the search words aside). */
export function filtered(state: BrowseState): boolean {
  return state.tag !== '' || state.author !== '' || state.year !== ''
}
