import type { ResolvedConfig } from '../config/types.js'
import { feedXml, sitemapXml } from '../publish/feeds.js'
import type { DeckSummary } from '../template/data.js'
import type { IndexScripts } from './index-assets.js'
import { listedDecks, type IndexExtras } from './pages.js'
import type { WriteQueue } from './queue.js'
import { keptDeckRecord, searchDataFile, type SearchRecord } from './search-index.js'

/** The index page's script, the search engine and the search data of the decks it lists, queued; their site paths. */
export function queueIndexFiles(
  queue: WriteQueue,
  scripts: IndexScripts,
  summaries: readonly DeckSummary[],
  records: ReadonlyMap<string, SearchRecord>,
  sections: ResolvedConfig['sections'],
): IndexExtras {
  const { page, engine } = scripts
  const data = searchDataFile(listedDecks(summaries).map((d) => records.get(d.slug) ?? keptDeckRecord(d)))
  queue.writeHashed(page.path, page.js)
  queue.writeHashed(engine.path, engine.js)
  queue.writeHashed(data.path, data.script)
  return { sections, scripts: [page.path], search: { engine: engine.path, data: data.path } }
}

/** With `url` set on a build that publishes: sitemap.xml and the Atom feed.xml of the decks the index lists. */
export function queueFeeds(
  queue: WriteQueue,
  config: Pick<ResolvedConfig, 'publish' | 'baseUrl' | 'title' | 'description'>,
  decks: readonly DeckSummary[],
  generator: string,
  date: Date | undefined,
): void {
  if (!config.publish || config.baseUrl === undefined) return
  const listed = decks.map((d) => ({ slug: d.slug, title: d.title, description: d.description, author: d.author, date: d.date }))
  queue.write('sitemap.xml', sitemapXml(config.baseUrl, listed))
  queue.write('feed.xml', feedXml({ url: config.baseUrl, title: config.title, description: config.description, generator }, listed, date ?? new Date()))
}
