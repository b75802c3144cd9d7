import { encodePath } from '../discover/slug.js'
import type { RenderedDeck } from '../render/deck.js'
import { deckRecord, searchDataScript, type RecordOptions } from '../search/records.js'
import type { DeckSummary } from '../template/data.js'
import { searchDataPath } from './index-assets.js'

/**
 * The site's search data, made from each deck's record (src/search/records.ts). A record is made once
 * per render and options, then kept as JSON: a build joins the records of the decks the index lists,
 * so one deck's edit costs that deck's record and a join, not the whole index again.
 */

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

/** The record of a deck this build could not render (its last page was kept): what the index shows of it. */
export function keptDeckRecordJson(summary: DeckSummary): string {
  return JSON.stringify(
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
}

/** The search data file of the decks the index lists (in its order), and its site path. */
export function searchDataFile(records: readonly string[]): { path: string; script: string } {
  const script = searchDataScript(records)
  return { path: searchDataPath(script), script }
}
