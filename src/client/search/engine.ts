import MiniSearch, { type SearchResult } from 'minisearch'
import type { DeckRecord, SearchData, SearchEngine } from './records.js'
import { isCjk, tokenize } from './text.js'

/**
 * The search over every slide of the site: MiniSearch, given our tokenizer (folding and CJK pairs,
 * see text.ts). One document per slide (heading, text, notes) and one per deck (title, description,
 * tags, authors); title and heading hits rank first.
 */

/** Room for 99,999 slides a deck in a document's number. */
const PER_DECK = 100_000

interface Doc {
  readonly id: number
  readonly title?: string
  readonly meta?: string
  readonly heading?: string
  readonly text?: string
  readonly notes?: string
}

export function createEngine(data: SearchData): SearchEngine {
  const index = new MiniSearch<Doc>({
    fields: ['title', 'meta', 'heading', 'text', 'notes'],
    tokenize: (text) => tokenize(text),
    // The tokenizer has folded the terms already.
    processTerm: (term) => term,
  })
  const docs: Doc[] = []
  data.decks.forEach((deck, d) => {
    docs.push({ id: d * PER_DECK, title: deck.t, meta: [deck.d ?? '', ...(deck.g ?? []), ...(deck.a ?? [])].join(' ') })
    for (const slide of deck.sl) docs.push({ id: d * PER_DECK + slide.n, heading: slide.h ?? '', text: slide.t, notes: slide.o ?? '' })
  })
  index.addAll(docs)

  return {
    search(query, keep) {
      const terms = tokenize(query)
      if (terms.length === 0) return []
      const results = index.search(terms.join(' '), {
        boost: { title: 4, heading: 3, meta: 2, text: 1, notes: 0.5 },
        combineWith: 'AND',
        // As you type: every word may be the start of a longer one; a CJK character, of a pair.
        prefix: (term) => term.length >= 2 || isCjk(term),
        fuzzy: (term) => (term.length >= 5 && !isCjk(term) ? 0.2 : false),
        tokenize: (text) => text.split(' '),
        processTerm: (term) => term,
        ...(keep ? { filter: (r: SearchResult) => keep(deckOf(data, r.id as number)) } : {}),
      })
      return results.map((r) => {
        const id = r.id as number
        const deck = deckOf(data, id)
        const n = id % PER_DECK
        return { deck, slide: n === 0 ? undefined : deck.sl[n - 1], score: r.score, terms: r.terms }
      })
    },
  }
}

function deckOf(data: SearchData, id: number): DeckRecord {
  return data.decks[Math.floor(id / PER_DECK)] as DeckRecord
}
