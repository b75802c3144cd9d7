import { encodePath } from '../discover/slug.js'
import type { RenderedDeck } from '../render/deck.js'
import { digest } from '../hash.js'
import { deckRecord, searchDataScript, type RecordOptions } from '../search/records.js'
import type { DeckSummary } from '../template/data.js'
import { searchDataPath } from './index-assets.js'

/**
 * The site's search data, made from each deck's record (src/search/records.ts). A record is made once
 * per deck content and options, then kept as JSON with its key: in memory with the render (dev), and
 * with the deck's page record in the cache (the next build). A build joins the records of the decks
 * the index lists, so one deck's edit costs that deck's record and a join, not the whole index again.
 */

/** A deck's record as JSON, and the key it was made under (its content and the options). */
export interface SearchRecord {
  readonly key: string
  readonly json: string
}

const made = new WeakMap<RenderedDeck, { key: string; json: string }>()

function optionsKey(options: RecordOptions): string {
  return JSON.stringify([options.includeNotes, options.images ?? null])
}

/** A rendered deck's record, as JSON; the same render with the same options gives the kept string. */
export function deckRecordJson(deck: RenderedDeck, options: RecordOptions): string {
  const key = optionsKey(options)
  const kept = made.get(deck)
  if (kept?.key === key) return kept.json
  const { meta } = deck
  const json = JSON.stringify(
    deckRecord(
      {
        slug: deck.slug,
        href: `${encodePath(deck.slug)}/index.html`,
        title: meta.title,
        description: meta.description,
        tags: meta.tags,
        author: meta.author,
        date: meta.date,
        slides: deck.slides,
        headings: meta.headings,
        notes: deck.notes,
      },
      options,
    ),
  )
  made.set(deck, { key, json })
  return json
}

/**
 * A rendered deck's record: the previous build's, when it was made from the same content (`content`:
 * the digest of the deck's render, write/pages.ts `derive`) and options; else made now.
 */
export function deckSearchRecord(deck: RenderedDeck, content: string, options: RecordOptions, previous: SearchRecord | undefined): SearchRecord {
  const key = digest('search-record', content, optionsKey(options))
  return previous?.key === key ? previous : { key, json: deckRecordJson(deck, options) }
}

/** The record of a deck this build could not render (its last page was kept): what the index shows of it. */
export function keptDeckRecord(summary: DeckSummary): SearchRecord {
  const json = JSON.stringify(
    deckRecord(
      {
        slug: summary.slug,
        href: summary.href,
        title: summary.title,
        description: summary.description,
        tags: summary.tags,
        author: summary.author,
        date: summary.date,
        slides: [],
        headings: [],
        notes: [],
      },
      { includeNotes: false },
    ),
  )
  return { key: digest('search-record', json), json }
}

/**
 * The search data file of the decks the index lists (in its order), and its site path, named by the
 * records' keys (which say what the file holds) rather than by a hash of its megabytes.
 */
export function searchDataFile(records: readonly SearchRecord[]): { path: string; script: string } {
  return { path: searchDataPath(digest(SEARCH_DATA_VERSION, ...records.map((r) => r.key))), script: searchDataScript(records.map((r) => r.json)) }
}

/** Changes when searchDataScript writes the same records differently. */
const SEARCH_DATA_VERSION = 'search-data 1'
