/**
 * How the search reads text: folded (case, accents and full-width forms ignored: `resume` finds
 * `Résumé`, `ＡＢＣ` is `abc`), cut into words, and Chinese, Japanese and Korean runs (written without
 * spaces) cut into overlapping pairs of characters, so that a word inside a sentence is found: `障害`
 * inside `本番障害の振り返り` is the pair `障害`. Pure: unit-tested in Node.
 */

/** One character, or a whole text, folded: lower case, no accents, compatibility forms unified. */
export function fold(text: string): string {
  // NFKD splits accents off and unifies full-width and other compatibility forms; only the Latin,
  // Greek and Cyrillic combining accents are dropped, and NFC puts kana voicing marks and Hangul back.
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
}

const WORD = /[\p{L}\p{N}]+/gu
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々]+/gu

/** The terms of a text, folded: words, and CJK runs as overlapping pairs (a lone CJK character stays one). */
export function tokenize(text: string): string[] {
  const terms: string[] = []
  for (const [word] of fold(text).matchAll(WORD)) {
    let last = 0
    for (const match of word.matchAll(CJK)) {
      const start = match.index ?? 0
      if (start > last) terms.push(word.slice(last, start))
      const run = [...match[0]]
      if (run.length === 1) terms.push(run[0] as string)
      for (let i = 0; i + 1 < run.length; i++) terms.push(`${run[i]}${run[i + 1]}`)
      last = start + match[0].length
    }
    if (last < word.length) terms.push(word.slice(last))
  }
  return terms
}

/** Whether a term is (made of) CJK characters: found anywhere in a word, not only at its start. */
export function isCjk(term: string): boolean {
  CJK.lastIndex = 0
  return CJK.test(term)
}

/** A text folded character by character, with where each folded character came from. */
function foldWithMap(text: string): { folded: string; from: number[] } {
  let folded = ''
  const from: number[] = []
  let i = 0
  for (const ch of text) {
    const f = fold(ch)
    folded += f
    for (let k = 0; k < f.length; k++) from.push(i)
    i += ch.length
  }
  from.push(i)
  return { folded, from }
}

export interface Piece {
  readonly text: string
  readonly hit: boolean
}

/**
 * The part of `text` around its first hit (about `width` characters), cut into pieces, the hits marked:
 * every place where a matched term occurs (at a word's start; anywhere for CJK).
 */
export function highlight(text: string, terms: readonly string[], width = 160): Piece[] {
  const { folded, from } = foldWithMap(text)
  const ranges: [number, number][] = []
  for (const term of new Set(terms)) {
    if (term === '') continue
    const cjk = isCjk(term)
    let at = folded.indexOf(term)
    while (at !== -1) {
      const before = folded[at - 1]
      if (cjk || before === undefined || !/[\p{L}\p{N}]/u.test(before)) ranges.push([from[at] ?? 0, from[at + term.length] ?? text.length])
      at = folded.indexOf(term, at + 1)
    }
  }
  ranges.sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const r of ranges) {
    const prev = merged[merged.length - 1]
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1])
    else merged.push([r[0], r[1]])
  }
  const first = merged[0]?.[0] ?? 0
  let start = Math.max(0, first - Math.floor(width / 3))
  let end = Math.min(text.length, start + width)
  start = Math.max(0, Math.min(start, end - width))
  // Whole words at the cut where the text has spaces.
  if (start > 0) {
    const space = text.indexOf(' ', start)
    if (space !== -1 && space < first) start = space + 1
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end)
    if (space > (merged[0]?.[1] ?? start)) end = space
  }
  const pieces: Piece[] = []
  if (start > 0) pieces.push({ text: '… ', hit: false })
  let at = start
  for (const [a, b] of merged) {
    if (b <= start || a >= end) continue
    const s = Math.max(a, start)
    const e = Math.min(b, end)
    if (s > at) pieces.push({ text: text.slice(at, s), hit: false })
    pieces.push({ text: text.slice(s, e), hit: true })
    at = e
  }
  if (at < end) pieces.push({ text: text.slice(at, end), hit: false })
  if (end < text.length) pieces.push({ text: ' …', hit: false })
  return pieces
}
