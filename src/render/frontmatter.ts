import { LineCounter, parseDocument, isMap, isScalar } from 'yaml'

export interface FrontMatter {
  /** Parsed keys; empty when the deck has none. */
  readonly data: Readonly<Record<string, unknown>>
  /** 1-based line in the deck of each top-level key. */
  readonly lines: Readonly<Record<string, number>>
  /** Number of lines the block takes, fences included (0 without front-matter). */
  readonly length: number
  readonly error?: { readonly line: number; readonly message: string }
}

const OPEN = /^---[ \t]*$/
const CLOSE = /^(---|\.\.\.)[ \t]*$/

/**
 * Reads the YAML front-matter the way Marpit finds it (a `---` fence on the first line), with line
 * numbers. Marp's directive values are loose YAML (`footer: Part 1: intro` is accepted), so a block
 * that strict YAML rejects is read again as plain `key: value` lines before it counts as an error.
 */
export function parseFrontMatter(markdown: string): FrontMatter {
  const lines = markdown.split(/\r?\n/)
  if (lines.length < 2 || !OPEN.test(lines[0] ?? '')) return { data: {}, lines: {}, length: 0 }
  let end = -1
  for (let i = 1; i < lines.length; i += 1) {
    if (CLOSE.test(lines[i] ?? '')) {
      end = i
      break
    }
  }
  if (end === -1) return { data: {}, lines: {}, length: 0 } // not front-matter: Marpit treats it as a ruler
  const body = lines.slice(1, end).join('\n')
  const length = end + 1

  const counter = new LineCounter()
  const doc = parseDocument(body, { lineCounter: counter, prettyErrors: false, uniqueKeys: true })
  const [first] = doc.errors
  if (first === undefined) {
    if (doc.contents !== null && !isMap(doc.contents)) {
      return { data: {}, lines: {}, length, error: { line: 2, message: 'front-matter must be a list of `key: value` lines' } }
    }
    let data: Record<string, unknown>
    try {
      data = (doc.toJS() ?? {}) as Record<string, unknown>
    } catch (error) {
      // yaml refuses to expand aliases past a limit (a "billion laughs" bomb); the error has no place, so
      // the problem is given the front-matter's first line.
      return { data: {}, lines: {}, length, error: { line: 1, message: `front-matter cannot be read: ${(error as Error).message}` } }
    }
    const keyLines: Record<string, number> = {}
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        if (isScalar(pair.key) && pair.key.range) {
          keyLines[String(pair.key.value)] = counter.linePos(pair.key.range[0]).line + 1
        }
      }
    }
    return { data, lines: keyLines, length }
  }

  const loose = parseLoose(lines.slice(1, end))
  if (loose) return { ...loose, length }
  let bodyLine = counter.linePos(first.pos[0]).line
  if (first.code === 'MISSING_CHAR' && /quote/.test(first.message)) {
    // YAML reports an unclosed quote where the text ends; the author needs the line that opened it.
    const opened = lines.slice(1, end).findIndex((l) => /:\s*["']/.test(l) && !/:\s*(["']).*\1\s*$/.test(l))
    if (opened !== -1) bodyLine = opened + 1
  }
  const line = bodyLine + 1 // +1 for the opening fence
  return {
    data: {},
    lines: {},
    length,
    error: { line, message: `invalid YAML front-matter: ${first.message.split('\n')[0]}` },
  }
}

const LOOSE_LINE = /^([A-Za-z_$][\w$-]*)[ \t]*:(?:[ \t]+(.*))?$/

/** Marpit-style loose YAML: unindented `key: value` lines with plain (unquoted, unbracketed) string values. */
function parseLoose(lines: string[]): Pick<FrontMatter, 'data' | 'lines'> | undefined {
  const data: Record<string, unknown> = {}
  const keyLines: Record<string, number> = {}
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const match = LOOSE_LINE.exec(raw)
    if (!match) return undefined
    const value = (match[2] ?? '').trim()
    if (/^["'[{|>&*!%@`]/.test(value)) return undefined
    data[match[1] as string] = value
    keyLines[match[1] as string] = i + 2
  }
  return { data, lines: keyLines }
}
