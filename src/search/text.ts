/**
 * The words of a rendered slide, for the search index: the text a reader sees, without markup. Pure:
 * HTML in, text out (no DOM, no parser), so it runs for every slide of every build in a few
 * microseconds.
 */

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** `&amp;`, `&#233;`, `&#xE9;`: the entities marp-core's HTML holds, decoded. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10)
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return NAMED[name.toLowerCase()] ?? whole
  })
}

/**
 * A slide's visible text: styles, scripts and MathJax's SVG paths dropped, an image's alt text kept,
 * each element a word boundary, runs of white space one space.
 */
export function slideText(html: string): string {
  const text = html
    .replace(/<(style|script|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<img\b[^>]*?\balt="([^"]*)"[^>]*>/gi, ' $1 ')
    .replace(/<[^>]*>/g, ' ')
  return decodeEntities(text).replace(/\s+/g, ' ').trim()
}

/** Speaker notes as text: Marp's notes are the slide's HTML comments, written as Markdown-ish text. */
export function notesText(notes: string): string {
  return decodeEntities(notes.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()
}
