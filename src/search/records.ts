import { notesText, slideText } from './text.js'

/**
 * The search index's records: one per deck, made at build time from the deck's render, written as
 * JSON once and kept (a deck whose render is the same keeps its record), and joined into the site's
 * search data file (see searchDataScript). The browser builds its index from them when it is first
 * needed. Short keys: the file's size is paid by every visitor who searches.
 */
export interface SlideRecord {
  /** Slide number, 1-based (the deck page's `#N`). */
  readonly n: number
  /** The slide's first heading. */
  readonly h?: string
  /** The slide's text. */
  readonly t: string
  /** Its speaker notes, when the site's notes are public. */
  readonly o?: string
  /** Site path of the slide's image, when the site has slide images. */
  readonly i?: string
}

export interface DeckRecord {
  /** Slug, and the deck page's href from the site root. */
  readonly s: string
  readonly u: string
  readonly t: string
  readonly d?: string
  /** Tags, authors, date (as the front-matter says it). */
  readonly g?: readonly string[]
  readonly a?: readonly string[]
  readonly y?: string
  readonly sl: readonly SlideRecord[]
}

/** What a deck's record is made from: its render, as plain data (see render/deck.ts RenderedDeck). */
export interface SearchSource {
  readonly slug: string
  readonly href: string
  readonly title: string
  readonly description: string
  readonly tags: readonly string[]
  readonly author: string | undefined
  readonly date: string | undefined
  readonly slides: readonly string[]
  readonly headings: readonly (string | undefined)[]
  readonly notes: readonly string[]
}

export interface RecordOptions {
  /** Speaker notes go into the index only when the site's notes are public. */
  readonly includeNotes: boolean
  /** Site paths of the slides' images (`<slug>/slides/001.png`), one per slide, when the site makes them. */
  readonly images?: readonly string[] | null | undefined
}

/** Authors as a list: `Ada Lovelace, Alan Turing` (or `and`, `&`, `;`) is two. */
export function splitAuthors(author: string | undefined): string[] {
  if (author === undefined) return []
  return author
    .split(/\s*(?:,|;|&|\band\b)\s*/)
    .map((a) => a.trim())
    .filter((a) => a !== '')
}

/** A deck's search record. Pure. */
export function deckRecord(source: SearchSource, options: RecordOptions): DeckRecord {
  const slides: SlideRecord[] = source.slides.map((html, i) => {
    const heading = source.headings[i]
    let text = slideText(html)
    // The heading is its own field (ranked higher); the text need not carry it twice.
    if (heading !== undefined && text.startsWith(heading)) text = text.slice(heading.length).trim()
    const notes = options.includeNotes ? notesText(source.notes[i] ?? '') : ''
    const image = options.images?.[i]
    return {
      n: i + 1,
      ...(heading === undefined ? {} : { h: heading }),
      t: text,
      ...(notes === '' ? {} : { o: notes }),
      ...(image === undefined ? {} : { i: image }),
    }
  })
  const authors = splitAuthors(source.author)
  return {
    s: source.slug,
    u: source.href,
    t: source.title,
    ...(source.description === '' ? {} : { d: source.description }),
    ...(source.tags.length === 0 ? {} : { g: source.tags }),
    ...(authors.length === 0 ? {} : { a: authors }),
    ...(source.date === undefined ? {} : { y: source.date }),
    sl: slides,
  }
}

/** The global the search data file sets (read by src/client/search/load.ts). */
export const SEARCH_DATA_GLOBAL = '__marpSiteSearchData'

/**
 * The search data file: a classic script that sets a global, because a page opened from `file://`
 * cannot fetch() a JSON file but can load a script. `records` are the decks' records as JSON, in index
 * order: joining them is the whole cost of a build's index, so one deck's edit costs one record.
 */
export function searchDataScript(records: readonly string[]): string {
  return `self.${SEARCH_DATA_GLOBAL}={"v":1,"decks":[${records.join(',')}]};\n`
}
