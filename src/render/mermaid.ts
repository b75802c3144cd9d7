/**
 * Mermaid diagrams at build time: a ```` ```mermaid ```` fence becomes an inline SVG drawn by
 * beautiful-mermaid (synchronous, no DOM, no browser), scoped to its slide (diagram-svg.ts).
 *
 * beautiful-mermaid and its layout engine (elkjs) take about a second to load, so they load only for
 * a deck with a mermaid fence: the worker awaits `loadDiagramRenderer()` before such a deck's
 * (synchronous) render, and a worker that never meets a diagram never loads them. Renders are kept
 * by source in the worker (`memo`): a dev save of one slide draws only the diagrams that changed. The
 * SVG does not depend on the theme (its colours and font are CSS variables the browser resolves), so
 * the source is the whole key.
 */
import type { RenderEnv } from './plugin.js'
import { DIAGRAM_COLORS, scopeDiagram } from './diagram-svg.js'

type RenderSvg = (source: string, options: Record<string, unknown>) => string

let renderer: RenderSvg | undefined

/**
 * A fence whose info string starts with `mermaid`, also inside a list or quote. A false match (such a
 * line inside another code block) only loads the renderer for nothing.
 */
const MERMAID_FENCE = /^[ \t>*+\-\d.)]*(`{3,}|~{3,})[ \t]*mermaid(?![^\s{])/m

/** Whether a deck has a mermaid fence, so the renderer must be loaded before it renders. */
export function hasDiagrams(markdown: string): boolean {
  return MERMAID_FENCE.test(markdown)
}

/** Loads beautiful-mermaid once (about a second); later calls return at once. */
export async function loadDiagramRenderer(): Promise<void> {
  if (renderer) return
  const module = await import('beautiful-mermaid')
  renderer = module.renderMermaidSVG as RenderSvg
}

type Drawn = { readonly svg: string } | { readonly error: string }

const MEMO_SIZE = 256
const memo = new Map<string, Drawn>()

/** Draws one diagram (or says why it cannot), from the memo when the same source was drawn before. */
export function drawDiagram(source: string): Drawn {
  const known = memo.get(source)
  if (known) {
    // Most recently used last: the oldest is dropped first.
    memo.delete(source)
    memo.set(source, known)
    return known
  }
  if (!renderer) return { error: 'the diagram renderer is not loaded (call loadDiagramRenderer() before rendering)' }
  let drawn: Drawn
  try {
    drawn = { svg: renderer(source, { ...DIAGRAM_COLORS, transparent: true, padding: 8 }) }
  } catch (error) {
    drawn = { error: error instanceof Error ? error.message : String(error) }
  }
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string)
  memo.set(source, drawn)
  return drawn
}

/** How many diagrams this worker has kept (for tests and the bench). */
export function memoSize(): number {
  return memo.size
}

// Minimal structural types of the markdown-it objects we touch.
interface Token {
  type: string
  info: string
  content: string
  map: [number, number] | null
}
type Rule = (tokens: Token[], idx: number, options: unknown, env: Partial<RenderEnv>, self: Renderer) => string
interface Renderer {
  rules: Record<string, Rule | undefined>
}
interface MarkdownIt {
  core: { ruler: { after(name: string, rule: string, fn: (state: { tokens: Token[] }) => void): void } }
  renderer: Renderer
  utils: { unescapeAll(text: string): string }
}

/**
 * markdown-it plugin: each mermaid fence is drawn as an inline SVG. A diagram that cannot be drawn is
 * recorded (with its line, for a `diagram` problem) and its slide shows the source as a code block.
 */
export function mermaidPlugin(md: MarkdownIt): void {
  const language = (info: string) => md.utils.unescapeAll(info).trim().split(/\s+/, 1)[0] ?? ''
  md.core.ruler.after('block', 'marp_site_mermaid', (state) => {
    for (const token of state.tokens) if (token.type === 'fence' && language(token.info) === 'mermaid') token.type = 'marp_site_mermaid'
  })
  md.renderer.rules['marp_site_mermaid'] = (tokens, idx, options, env, self) => {
    const token = tokens[idx] as Token
    const ctx = env.marpSite
    const drawn = drawDiagram(token.content)
    if ('svg' in drawn) {
      const n = ctx ? ctx.diagrams.push(token.content) : 1
      return `<p>${scopeDiagram(drawn.svg, n)}</p>\n`
    }
    ctx?.diagramErrors.push({ line: (token.map?.[0] ?? 0) + 1, message: drawn.error })
    const fence = self.rules['fence']
    return fence ? fence(tokens, idx, options, env, self) : ''
  }
}
