/**
 * A render worker: one marp-core engine per thread, built from the themes the main thread sends,
 * then one deck per task. Each task names the set of themes it is for, so a theme edit in `dev`
 * rebuilds the engine (tens of milliseconds) instead of restarting the worker (about a second).
 * Runs in a worker so that a deck on one of Marpit's slow paths can be stopped without stopping the build.
 */
// First: marp-core's MathJax modules load only when a deck uses MathJax.
import './lazy-mathjax.js'
import type { MarpOptionsConfig } from '../config/schema.js'
import type { ThemeSource } from '../discover/themes.js'
import { renderDeck, type DeckInput, type RenderResult } from './deck.js'
import { createEngine, type Engine } from './engine.js'
import { MarpSiteError, type ErrorCode } from '../errors.js'
import type { Problem } from '../problems.js'
import type { EngineModule } from './engine-module.js'
import { loadExtension } from './extension.js'
import { hasDiagrams, loadDiagramRenderer } from './mermaid.js'

export interface WorkerSetup {
  readonly themes: readonly ThemeSource[]
  readonly defaultTheme: string
  readonly marp: Readonly<MarpOptionsConfig>
  /** The config's engine module (markdown-it plugins), when it has one. */
  readonly engine?: EngineModule | undefined
}

/** A setup with the digest that names it. */
export interface KeyedSetup {
  readonly key: string
  readonly setup: WorkerSetup
}

export type WorkerTask = { readonly render: DeckInput; readonly with: KeyedSetup } | { readonly check: KeyedSetup } | { readonly warmUp: KeyedSetup }

/** What building an engine found: problems with theme files, or why it could not be built. */
export type WorkerStart = { readonly problems: readonly Problem[] } | { readonly error: { readonly code: ErrorCode; readonly message: string } }

// A failure (a default theme that is not registered) is kept and answered to the tasks, which the
// main thread reports; it must not kill the worker, or the pool would start it again and again.
let current: { key: string; engine: Engine | Error } | undefined

function engineFor({ key, setup }: KeyedSetup): Engine | Error {
  if (current?.key !== key) {
    let engine: Engine | Error
    try {
      engine = createEngine({ ...setup, extend: setup.engine && loadExtension(setup.engine) })
    } catch (error) {
      engine = error instanceof Error ? error : new Error(String(error))
    }
    current = { key, engine }
  }
  return current.engine
}

// The first task of every worker (see pool.ts): builds the engine and renders a small deck, which
// loads what marp-core loads lazily (highlight.js's languages, KaTeX) and packs the default theme,
// about half a second that would otherwise fall on the first deck (and count against its time limit).
// Also run when lib/ is compiled, so that the code cache made then holds the code a render runs.
// Its math is KaTeX's, which marp-core has loaded anyway: MathJax (the default) costs ~150 ms to load,
// which a site without math should not pay; the first deck with math loads it (lazy-mathjax.ts).
const WARM_UP_DECK = [
  '---',
  'paginate: true',
  'math: katex',
  '---',
  '<!-- _class: lead -->',
  '# Warm-up',
  '',
  '- a *list* with **marks**',
  '- `code`',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '> quote',
  '',
  '![center a picture](warm-up.png)',
  '',
  '<!-- notes -->',
  '',
  '---',
  '',
  '## Code and math :smile:',
  '',
  '```js',
  'const x = 1',
  '```',
  '',
  '$x^2$',
  '',
  '$$',
  '\\frac{a}{b}',
  '$$',
  '',
].join('\n')

export function warmUp(keyed: KeyedSetup): void {
  const engine = engineFor(keyed)
  if (engine instanceof Error) return
  try {
    renderDeck(engine, { markdown: WARM_UP_DECK, source: 'warm-up.md', slug: 'warm-up' })
  } catch {
    // Only a warm-up: a real deck reports its own problems. (No debug channel in a render thread:
    // its bundle is CommonJS, and the deck that fails next says why.)
  }
}

function started(engine: Engine | Error): WorkerStart {
  if (!(engine instanceof Error)) return { problems: engine.problems }
  return { error: { code: engine instanceof MarpSiteError ? engine.code : 'INTERNAL', message: engine.message } }
}

export default function run(task: WorkerTask): RenderResult | WorkerStart | null | Promise<RenderResult> {
  if ('warmUp' in task) {
    warmUp(task.warmUp)
    return null
  }
  if ('check' in task) return started(engineFor(task.check))
  const engine = engineFor(task.with)
  if (engine instanceof Error) throw engine
  // The Mermaid renderer loads with the first deck that has a diagram (about a second, within that
  // deck's time limit), not with the worker: decks without diagrams never pay for it.
  const input = task.render
  if (hasDiagrams(input.markdown)) return loadDiagramRenderer().then(() => renderDeck(engine, input))
  return renderDeck(engine, input)
}
