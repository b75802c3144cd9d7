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
 * Reads the YAML front-matter the way Marpit finds and reads it (a `---` fence on the first line), with
 * line numbers. Marpit reads the values of directive keys as loose YAML: a value YAML would refuse
 * (`footer: Part 1: intro`, `footer: @someone`, ``header: `code` ``) is quoted before parsing, exactly
 * as Marpit quotes it, so the keys come out as marp-core applies them. `looseKeys` are the keys Marpit
 * treats so (see render/directives.ts). A block that is still not YAML is ignored whole, as Marpit
 * ignores it, and comes back as `error` with its line.
 */
export function parseFrontMatter(markdown: string, looseKeys: readonly string[] = []): FrontMatter {
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
  const blockLines = lines.slice(1, end)
  const body = quoteLoose(blockLines, looseKeys).join('\n')
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

  const line = errorLine(blockLines, first, counter.linePos(first.pos[0]).line) + 1 // +1 for the opening fence
  return {
    data: {},
    lines: {},
    length,
    error: { line, message: `invalid YAML front-matter: ${first.message.split('\n')[0]}` },
  }
}

/**
 * The line (1-based, in the block) to show for a YAML error. YAML reports an unclosed quote where the
 * text ends, and an unclosed `[` or `{` where the next key starts; the author needs the line that
 * opened it.
 */
function errorLine(lines: readonly string[], error: { code: string; message: string }, reported: number): number {
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    const opened = lines.findIndex((l) => /:\s*["']/.test(l) && !/:\s*(["']).*\1\s*$/.test(l))
    if (opened !== -1) return opened + 1
  }
  if (/end with an? [\]}]/.test(error.message)) {
    for (let i = Math.min(reported, lines.length) - 1; i >= 0; i -= 1) {
      const bare = (lines[i] ?? '').replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '')
      const depth = (bare.match(/[[{]/g) ?? []).length - (bare.match(/[\]}]/g) ?? []).length
      if (depth > 0) return i + 1
    }
  }
  return reported
}

/** What Marpit leaves unquoted: a value that already starts YAML's quoting, flow, block, anchor, alias or null. */
const YAML_START = `["'{|>~&*`

/**
 * Marpit's loose YAML: on an unindented line of a loose key (also `_key`, `"key"`, `'key'`), a
 * value that does not start with one of YAML_START is wrapped in double quotes, its own `"`
 * escaped and nothing else (a backslash stays an escape, as under Marpit). Lines keep their places.
 */
function quoteLoose(lines: readonly string[], keys: readonly string[]): string[] {
  if (keys.length === 0) return [...lines]
  const names = keys.map((k) => `_?${k.replace(/[.*+?^=!:${}()|[\]\\/]/g, '\\$&')}`)
  const key = `(?:${names.flatMap((n) => [n, `"${n}"`, `'${n}'`]).join('|')})`
  const matcher = new RegExp(`^(${key}\\s*:)(.+)$`)
  return lines.map((line) =>
    line.replace(matcher, (whole, prop: string, value: string) => {
      const trimmed = value.trim()
      if (trimmed === '' || YAML_START.includes(trimmed[0] as string)) return whole
      const spaces = value.slice(0, value.length - value.trimStart().length)
      return `${prop}${spaces}"${trimmed.split('"').join('\\"')}"`
    }),
  )
}
