import { deckUrl } from './social.js'
import { escapeXml } from './xml.js'

/** A deck as the sitemap and the feed list it (the decks of the index, in its order). */
export interface PublishedDeck {
  readonly slug: string
  readonly title: string
  readonly description: string
  readonly author: string | undefined
  /** The front-matter `date`, as written. */
  readonly date: string | undefined
}

/** The front-matter `date` as an RFC 3339 time (a bare date is midnight UTC), or undefined when it is not a date. */
export function feedTime(date: string | undefined): string | undefined {
  if (date === undefined) return undefined
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(date.trim())
  const ms = Date.parse(bare ? `${date.trim()}T00:00:00Z` : date)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/\.000Z$/, 'Z')
}

/** `sitemap.xml`: the index and every deck page, absolute, with the deck's date as its last change when it has one. */
export function sitemapXml(base: string, decks: readonly PublishedDeck[]): string {
  const url = (loc: string, lastmod: string | undefined) =>
    `  <url><loc>${escapeXml(loc)}</loc>${lastmod === undefined ? '' : `<lastmod>${lastmod}</lastmod>`}</url>`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    url(base, undefined),
    ...decks.map((d) => url(deckUrl(base, d.slug), feedTime(d.date)?.slice(0, 10))),
    '</urlset>',
    '',
  ].join('\n')
}

/**
 * `feed.xml`, an Atom feed: one entry per deck, newest first by `date` (undated decks after, in the
 * index's order). An entry without a date, and the feed itself, are dated by the newest deck, else by
 * `now` (SOURCE_DATE_EPOCH when set, so that the same input gives the same bytes).
 */
export function feedXml(
  site: { readonly url: string; readonly title: string; readonly description: string; readonly generator: string },
  decks: readonly PublishedDeck[],
  now: Date,
): string {
  const dated = decks.map((d) => ({ deck: d, time: feedTime(d.date) }))
  const ordered = [
    ...dated.filter((d) => d.time !== undefined).sort((a, b) => ((a.time ?? '') < (b.time ?? '') ? 1 : (a.time ?? '') > (b.time ?? '') ? -1 : 0)),
    ...dated.filter((d) => d.time === undefined),
  ]
  const updated = ordered[0]?.time ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const text = (tag: string, value: string) => `<${tag}>${escapeXml(value)}</${tag}>`
  const entries = ordered.map(({ deck, time }) => {
    const link = deckUrl(site.url, deck.slug)
    return [
      '  <entry>',
      `    ${text('title', deck.title)}`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`,
      `    ${text('id', link)}`,
      ...(time === undefined ? [] : [`    <published>${time}</published>`]),
      `    <updated>${time ?? updated}</updated>`,
      ...(deck.author === undefined ? [] : [`    <author>${text('name', deck.author)}</author>`]),
      ...(deck.description === '' ? [] : [`    ${text('summary', deck.description)}`]),
      '  </entry>',
    ].join('\n')
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  ${text('title', site.title)}`,
    ...(site.description === '' ? [] : [`  ${text('subtitle', site.description)}`]),
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(`${site.url}feed.xml`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(site.url)}"/>`,
    `  ${text('id', site.url)}`,
    `  <updated>${updated}</updated>`,
    `  <author>${text('name', site.title)}</author>`,
    `  ${text('generator', site.generator)}`,
    ...entries,
    '</feed>',
    '',
  ].join('\n')
}
