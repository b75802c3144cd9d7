import type { Marp } from '@marp-team/marp-core'
import { parseCodeLines, splitLines, wrapLines } from './code-lines.js'
import { CODE_LINES_CSS } from './code-css.js'

/**
 * Highlighted code lines and steps through them (```` ```js {1,3-5} ````, ```` ```js {1|3-5|7} ````,
 * `showLineNumbers`), with whatever highlighter the engine has (marp-core 4's highlight.js).
 *
 * - A core rule after Marpit numbers its fragments reads each fence's words, and gives a stepped
 *   fence fragment numbers among the slide's fragmented list items, in document order: step 1 shows
 *   from where the fence is reached (the slide's start, or the fragment before it), each further
 *   step is one more fragment. `data-ms-steps` on `<code>` lists the fragment each step starts at;
 *   the deck page runtime (client/code-steps.ts) highlights the step of the current fragment.
 * - The fence renderer (marp-core's, which wraps the code for auto-scaling) is wrapped: its code is
 *   cut into `<span class="line">`s, as marp-core 5's Shiki makes them.
 * - The deck's CSS gets our rules (code-css.ts) only when the deck has such a fence, so every other
 *   deck's CSS stays byte for byte what marp-core makes.
 */

export interface CodeLinesOptions {
  /** Line numbers on every fence unless it says `hideLineNumbers` (config `marp.lineNumbers`). */
  readonly lineNumbers?: boolean | undefined
}

/** A line list the deck should hear about (a `code-lines` warning). */
export interface CodeLinesNote {
  readonly line: number
  readonly message: string
}

interface CodeMeta {
  readonly highlighted: readonly number[]
  readonly steps: readonly (readonly number[])[] | undefined
}

// Minimal structural types of the markdown-it objects we touch.
interface Token {
  type: string
  info: string
  content: string
  map: [number, number] | null
  meta: Record<string, unknown> | null
  attrSet(name: string, value: string): void
}
interface CoreState {
  tokens: Token[]
  inlineMode: boolean
  env: { marpSite?: { codeLines?: CodeLinesNote[] } }
}
type Render = (tokens: Token[], idx: number, options: unknown, env: unknown, self: unknown) => string
interface MarkdownIt {
  core: { ruler: { after(name: string, rule: string, fn: (state: CoreState) => void): void } }
  renderer: { rules: Record<string, Render | undefined> }
  utils: { unescapeAll(text: string): string }
}

const META = 'marpSiteCode'

export function installCodeLines(marp: Marp, options: CodeLinesOptions): void {
  // Whether the deck being rendered has such a fence: the theme is packed after the Markdown is rendered.
  const used = { now: false }
  marp.use(((md: MarkdownIt) => codeLinesPlugin(md, options, used)) as unknown as Parameters<Marp['use']>[0])
  const internals = marp as unknown as { themeSetPackOptions(): { before?: string } }
  const pack = internals.themeSetPackOptions.bind(marp)
  internals.themeSetPackOptions = () => {
    const packOptions = pack()
    return used.now ? { ...packOptions, before: `${CODE_LINES_CSS}\n${packOptions.before ?? ''}` } : packOptions
  }
}

function codeLinesPlugin(md: MarkdownIt, options: CodeLinesOptions, used: { now: boolean }): void {
  md.core.ruler.after('marpit_apply_fragment', 'marp_site_code_lines', (state) => {
    if (state.inlineMode) return
    used.now = false
    const notes = state.env.marpSite?.codeLines
    let slide: Token | undefined
    let count = 0
    for (const token of state.tokens) {
      const meta = token.meta
      if (meta?.['marpitSlideElement'] === 1) {
        slide = token
        count = 0
      } else if (meta?.['marpitSlideElement'] === -1) {
        if (slide && count > 0) slide.attrSet('data-marpit-fragments', String(count))
      } else if (typeof meta?.['marpitFragment'] === 'number') {
        // Marpit's numbering again, now with the steps of the fences before it on the slide.
        count += 1
        meta['marpitFragment'] = count
        token.attrSet('data-marpit-fragment', String(count))
      } else if (token.type === 'fence') {
        const code = readFence(md, token, options, notes)
        if (!code) continue
        used.now = true
        if (code.steps) {
          token.attrSet('data-ms-steps', code.steps.map((_, i) => count + i).join(' '))
          count += code.steps.length - 1
        }
      }
    }
  })

  const fence = md.renderer.rules['fence']
  if (!fence) return
  md.renderer.rules['fence'] = (tokens, idx, renderOptions, env, self) => {
    const html = fence(tokens, idx, renderOptions, env, self)
    const code = tokens[idx]?.meta?.[META] as CodeMeta | undefined
    return code ? withLines(html, code) : html
  }
}

/** What a fence asks for; undefined when it asks for nothing (most fences). */
function readFence(md: MarkdownIt, token: Token, options: CodeLinesOptions, notes: CodeLinesNote[] | undefined): CodeMeta | undefined {
  // The language and the words after it, split as markdown-it's fence renderer splits them.
  const info = md.utils.unescapeAll(token.info).trim()
  const [lang = '', , ...rest] = info.split(/(\s+)/g)
  // A diagram is not code (a Mermaid plugin renders it).
  if (lang === 'mermaid') return undefined
  const note = (message: string) => notes?.push({ line: (token.map?.[0] ?? 0) + 1, message })
  const lineCount = token.content.split('\n').length - (token.content.endsWith('\n') ? 1 : 0)
  if (lang.startsWith('{') && parseCodeLines(lang, lineCount).groups.length > 0) {
    note(`${lang} has no language before it; write one (\`\`\`text ${lang}), as marp-core 5 needs, to highlight lines`)
  }
  const parsed = parseCodeLines(rest.join(''), lineCount)
  if (parsed.problem) note(parsed.problem)
  const lineNumbers = parsed.lineNumbers ?? options.lineNumbers ?? false
  if (parsed.groups.length === 0 && !lineNumbers) return undefined
  if (lineNumbers) token.attrSet('data-ms-line-numbers', String(String(lineCount).length))
  const steps = parsed.groups.length > 1 ? parsed.groups : undefined
  const code: CodeMeta = { highlighted: steps ? [] : (parsed.groups[0] ?? []), steps }
  token.meta = { ...token.meta, [META]: code }
  return code
}

const CODE = /^([\s\S]*?<code\b[^>]*>)([\s\S]*)(<\/code>[\s\S]*)$/

/** The rendered fence with its code cut into lines; as it was when it holds no `<code>` (a highlighter's own markup). */
function withLines(html: string, code: CodeMeta): string {
  const match = CODE.exec(html)
  if (!match) return html
  const [, start = '', inner = '', end = ''] = match
  return start + wrapLines(splitLines(inner), { highlighted: new Set(code.highlighted), ...(code.steps ? { steps: code.steps } : {}) }) + end
}
