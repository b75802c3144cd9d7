import { SEARCH_DATA_GLOBAL, type DeckRecord, type SlideRecord } from '../../search/records.js'

/** The search data file's records, as the build makes them (src/search/records.ts). */
export type { DeckRecord, SlideRecord }

export interface SearchData {
  readonly v: 1
  readonly decks: readonly DeckRecord[]
}

/** A result: a slide of a deck, or the deck itself (its title, description, tags or authors matched). */
export interface Hit {
  readonly deck: DeckRecord
  /** Undefined for a deck hit (it links the deck's first slide). */
  readonly slide: SlideRecord | undefined
  readonly score: number
  /** The index terms that matched (folded), for marking them. */
  readonly terms: readonly string[]
}

/** What the engine script (search-engine.ts) gives the index page once it is loaded. */
export interface SearchEngine {
  search(query: string, keep?: (deck: DeckRecord) => boolean): Hit[]
}

export const ENGINE_GLOBAL = '__marpSiteSearchEngine'
export const DATA_GLOBAL = SEARCH_DATA_GLOBAL
