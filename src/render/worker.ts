/**
 * A render worker: one marp-core engine per thread, built once from the themes the main thread
 * sends, then one deck per task. Runs in a worker so that a deck on one of Marpit's slow paths can
 * be stopped without stopping the build.
 */
import { Piscina } from 'piscina'
import type { MarpOptionsConfig } from '../config/schema.js'
import type { ThemeSource } from '../discover/themes.js'
import { renderDeck, type DeckInput, type RenderResult } from './deck.js'
import { createEngine, type Engine } from './engine.js'
import { MarpSiteError, type ErrorCode } from '../errors.js'
import type { Problem } from '../problems.js'

export interface WorkerSetup {
  readonly themes: readonly ThemeSource[]
  readonly defaultTheme: string
  readonly marp: Readonly<MarpOptionsConfig>
}

// Built when the worker starts, before the first deck arrives. A failure (a default theme that is
// not registered) is answered to the warm-up task, which the main thread reports; it must not kill
// the worker at load, or the pool would start it again and again.
let engine: Engine | Error
try {
  engine = createEngine(Piscina.workerData as WorkerSetup)
} catch (error) {
  engine = error instanceof Error ? error : new Error(String(error))
}

/** What starting the engine found: problems with theme files, or why it could not start. */
export type WorkerStart = { readonly problems: readonly Problem[] } | { readonly error: { readonly code: ErrorCode; readonly message: string } }

export default function render(input: DeckInput | { warmUp: true }): RenderResult | WorkerStart {
  if ('warmUp' in input) {
    if (!(engine instanceof Error)) return { problems: engine.problems }
    return { error: { code: engine instanceof MarpSiteError ? engine.code : 'INTERNAL', message: engine.message } }
  }
  if (engine instanceof Error) throw engine
  return renderDeck(engine, input)
}
