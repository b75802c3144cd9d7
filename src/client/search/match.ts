import { fold, isCjk, tokenize } from './text.js'

/**
 * The slides of one deck that match a query: every word of it (folded, see text.ts) found in the
 * slide's text, at the start of a word (CJK pairs anywhere). Pure: the deck page's search (`/`) runs
 * it over the page's own slides.
 */
export function matchSlides(texts: readonly string[], query: string): number[] {
  const terms = [...new Set(tokenize(query))]
  if (terms.length === 0) return []
  const folded = texts.map(fold)
  const found: number[] = []
  folded.forEach((text, i) => {
    if (terms.every((term) => hasTerm(text, term))) found.push(i)
  })
  return found
}

function hasTerm(text: string, term: string): boolean {
  if (isCjk(term)) return text.includes(term)
  let at = text.indexOf(term)
  while (at !== -1) {
    const before = text[at - 1]
    if (before === undefined || !/[\p{L}\p{N}]/u.test(before)) return true
    at = text.indexOf(term, at + 1)
  }
  return false
}
