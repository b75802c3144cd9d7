import type { BrowseData, DeckSummary, Facet, IndexSection } from '../template/data.js'
import { slugifySegment } from '../discover/slug.js'
import { splitAuthors } from '../search/records.js'

/**
 * What the index page offers to browse by, worked out from the decks it lists: sections (a folder of
 * decks is a section), and the tags, authors and years to filter by, each with its count. Pure; the
 * index script (src/client/index-page.ts) filters and sorts the cards the page already shows.
 */

/** A section of the config (`sections`): a folder of the slides dir, and the heading it gets. */
export interface SectionConfig {
  readonly folder: string
  readonly title?: string | undefined
}

/** A deck's folder in the site: `talks/2024` for `talks/2024/intro`, `` for `intro`. */
export function folderOf(slug: string): string {
  const cut = slug.lastIndexOf('/')
  return cut === -1 ? '' : slug.slice(0, cut)
}

/** A deck's year, from its date when the date starts with one. */
export function yearOf(date: string | undefined): string | undefined {
  return date === undefined ? undefined : /^(\d{4})\b/.exec(date)?.[1]
}

/** A configured folder as the site names it: `Talks/2024/` is `talks/2024` (see discover/slug.ts). */
function siteFolder(folder: string): string {
  const parts = folder.split(/[\\/]+/).filter((p) => p !== '' && p !== '.')
  return parts.map(slugifySegment).join('/')
}

/**
 * The decks grouped by folder, in index order within each: the decks at the top first (no heading),
 * then the folders the config's `sections` names, in its order, then the others by name.
 */
export function sectionsOf(decks: readonly DeckSummary[], configured: readonly SectionConfig[] = []): IndexSection[] {
  const byFolder = new Map<string, DeckSummary[]>()
  for (const deck of decks) {
    const folder = folderOf(deck.slug)
    const list = byFolder.get(folder) ?? []
    list.push(deck)
    byFolder.set(folder, list)
  }
  const named = new Map(configured.map((s, i) => [siteFolder(s.folder), { title: s.title, order: i }]))
  const folders = [...byFolder.keys()].sort((a, b) => {
    if (a === '' || b === '') return a === '' ? -1 : 1
    const oa = named.get(a)?.order ?? Number.POSITIVE_INFINITY
    const ob = named.get(b)?.order ?? Number.POSITIVE_INFINITY
    if (oa !== ob) return oa - ob
    return a < b ? -1 : a > b ? 1 : 0
  })
  return folders.map((folder) => ({
    folder,
    title: named.get(folder)?.title ?? folder.split('/').join(' / '),
    id: folder === '' ? 'section-top' : `section-${folder.replace(/[^\p{L}\p{N}_-]+/gu, '-')}`,
    decks: byFolder.get(folder) ?? [],
  }))
}

function facets(values: Iterable<string>, order: 'count' | 'value-desc'): Facet[] {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  const list = [...counts].map(([value, count]) => ({ value, count }))
  if (order === 'value-desc') return list.sort((a, b) => (a.value < b.value ? 1 : a.value > b.value ? -1 : 0))
  return list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
}

/** The filters and the data the index script reads. `toJson` makes JSON safe inside `<script>`. */
export function browseData(decks: readonly DeckSummary[], toJson: (value: unknown) => string): BrowseData {
  const rows = decks.map((d) => ({
    s: d.slug,
    t: d.title,
    ...(d.date === undefined ? {} : { y: d.date }),
    ...(d.tags.length === 0 ? {} : { g: d.tags }),
    ...(d.author === undefined ? {} : { a: splitAuthors(d.author) }),
  }))
  return {
    tags: facets(
      decks.flatMap((d) => [...new Set(d.tags)]),
      'count',
    ),
    authors: facets(
      decks.flatMap((d) => [...new Set(splitAuthors(d.author))]),
      'count',
    ),
    years: facets(
      decks.flatMap((d) => yearOf(d.date) ?? []),
      'value-desc',
    ),
    json: toJson(rows),
  }
}
