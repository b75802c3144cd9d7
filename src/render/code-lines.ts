/**
 * Highlighted lines of a code fence, pure: reading the line list written after the language
 * (```` ```js {1,3-5} ````, as marp-core 5 reads it; steps ```` ```js {1|3-5|7} ````; `showLineNumbers`),
 * and cutting highlighted HTML into one element per line. No markdown-it here: see code-plugin.ts.
 */

export interface CodeLines {
  /** The lines (1-based) of each group: one group is highlighted at once, more are steps. Empty: none. */
  readonly groups: readonly (readonly number[])[]
  /** `showLineNumbers` (true) or `hideLineNumbers` (false) on the fence; undefined: the config's default. */
  readonly lineNumbers: boolean | undefined
  /** Why the braces were not used (the code is shown without highlighted lines), or lines past the end. */
  readonly problem?: string
}

// The first brace group of the fence's words, as marp-core 5 finds it; a group of something else
// (`{.class}`, `{title="x"}`, another plugin's) is not ours and is left alone.
const BRACES = /\{([^{}]*)\}/
const CANDIDATE = /^[\w\s,|*-]+$/
const GROUP = /^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/

/**
 * Reads a fence's words after the language (markdown-it's `attrs`). `lineCount` is the number of
 * lines of the code, to tell about lines past its end.
 */
export function parseCodeLines(attrs: string, lineCount: number): CodeLines {
  const words = attrs.replace(BRACES, ' ').split(/\s+/)
  const lineNumbers = words.includes('showLineNumbers') ? true : words.includes('hideLineNumbers') ? false : undefined
  const braces = BRACES.exec(attrs)
  const spec = braces?.[1]
  if (spec === undefined || !CANDIDATE.test(spec)) return { groups: [], lineNumbers }
  const invalid = (why: string): CodeLines => ({
    groups: [],
    lineNumbers,
    problem: `{${spec}} ${why}; the code is shown without highlighted lines (write lines as {1,3-5}, or steps as {1|3-5|7})`,
  })
  if (/\s/.test(spec)) return invalid('has spaces, which marp-core 5 does not read')
  const parts = spec.split('|')
  if (!parts.every((part) => GROUP.test(part))) return invalid('is not a list of line numbers and ranges')
  const groups: number[][] = []
  for (const part of parts) {
    const lines: number[] = []
    for (const range of part.split(',')) {
      const [from = 0, to = from] = range.split('-').map(Number)
      if (from < 1) return invalid('names line 0; lines count from 1')
      if (to < from) return invalid(`has the range ${range}, which runs backwards`)
      for (let n = from; n <= to; n += 1) if (!lines.includes(n)) lines.push(n)
    }
    groups.push(lines.sort((a, b) => a - b))
  }
  const past = groups.flat().filter((n) => n > lineCount)
  if (past.length > 0) {
    const first = Math.min(...past)
    return { groups, lineNumbers, problem: `{${spec}} names line ${first}, past the end of the code (${lineCount} line${lineCount === 1 ? '' : 's'})` }
  }
  return { groups, lineNumbers }
}

const TAG = /<(\/?)([A-Za-z][\w-]*)\b[^>]*>/g
const VOID = new Set(['br', 'img', 'wbr', 'hr', 'input'])

/**
 * Cuts highlighted HTML (text, and elements such as highlight.js's `<span class="hljs-…">`) into
 * lines, each a whole piece of HTML: an element open across a line break (a comment or string of
 * several lines) is closed at the end of the line and opened again on the next. The newline that
 * ends the code makes no line.
 */
export function splitLines(html: string): string[] {
  const lines: string[] = []
  const open: { name: string; tag: string }[] = []
  let line = ''
  const text = (chunk: string) => {
    const pieces = chunk.split('\n')
    pieces.forEach((piece, i) => {
      if (i > 0) {
        const close = open.map((o) => `</${o.name}>`).reverse()
        lines.push(line + close.join(''))
        line = open.map((o) => o.tag).join('')
      }
      line += piece
    })
  }
  let last = 0
  for (const match of html.matchAll(TAG)) {
    text(html.slice(last, match.index))
    const [tag, closing, name = ''] = match
    const lower = name.toLowerCase()
    if (closing) {
      const at = open.map((o) => o.name).lastIndexOf(lower)
      if (at !== -1) open.splice(at)
    } else if (!VOID.has(lower) && !tag.endsWith('/>')) open.push({ name: lower, tag })
    line += tag
    last = match.index + tag.length
  }
  text(html.slice(last))
  if (line.replace(TAG, '') !== '' || lines.length === 0) lines.push(line)
  return lines
}

export interface LineMarkup {
  /** Lines highlighted all the time (one group). */
  readonly highlighted: ReadonlySet<number>
  /** For steps: the steps (1-based) each line is highlighted in. */
  readonly steps?: readonly (readonly number[])[]
}

/** One `<span class="line">` per line (the shape of marp-core 5's Shiki lines), joined by the newlines of the code. */
export function wrapLines(lines: readonly string[], markup: LineMarkup): string {
  return `${lines
    .map((html, i) => {
      const n = i + 1
      const classes = markup.highlighted.has(n) ? 'line highlighted' : 'line'
      const steps = markup.steps?.map((group, step) => (group.includes(n) ? step + 1 : 0)).filter((step) => step > 0) ?? []
      return `<span class="${classes}"${steps.length > 0 ? ` data-ms-in="${steps.join(' ')}"` : ''}>${html}</span>`
    })
    .join('\n')}\n`
}
