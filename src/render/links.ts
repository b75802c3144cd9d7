import { encodePath } from '../discover/slug.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import type { RenderedDeck } from './deck.js'
import { DECK_LINK } from './plugin.js'
import { SITE_ROOT } from './refs.js'

const PLACEHOLDER = new RegExp(`${DECK_LINK.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\\d+)`, 'g')

/**
 * Points a deck's links to other decks' markdown at their pages in the site (`next.md#3` →
 * `next/index.html#3`); a link to a file that is not a deck of the site is a `broken-link` problem
 * and keeps its URL. Pure: the decks of the site are given by source → slug.
 */
export function linkDecks(deck: RenderedDeck, slugs: ReadonlyMap<string, string>): { deck: RenderedDeck; problems: Problem[] } {
  if (deck.deckLinks.length === 0) return { deck, problems: [] }
  const problems: Problem[] = []
  const targets = deck.deckLinks.map((link) => {
    const slug = slugs.get(link.source)
    if (slug !== undefined) return `${SITE_ROOT}${encodePath(slug)}/index.html`
    problems.push(problem('broken-link', { file: deck.source, line: link.line }, `link ${link.url} goes to ${link.source}, which is not a deck of this site`))
    return escapeAttribute(link.url.replace(/#.*$/, ''))
  })
  const slides = deck.slides.map((html) => html.replace(PLACEHOLDER, (whole, n: string) => targets[Number(n)] ?? whole))
  return { deck: { ...deck, slides }, problems }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
