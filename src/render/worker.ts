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

export interface WorkerSetup {
  readonly themes: readonly ThemeSource[]
  readonly defaultTheme: string
  readonly marp: Readonly<MarpOptionsConfig>
}

// Built when the worker starts, before the first deck arrives. A failure (a default theme that is
// not registered) is reported by the main thread, which checks the same setup; here it only must not
// kill the worker at load, or the pool would start it again and again.
let engine: Engine | Error
try {
  engine = createEngine(Piscina.workerData as WorkerSetup)
} catch (error) {
  engine = error instanceof Error ? error : new Error(String(error))
}

export default function render(input: DeckInput | { warmUp: true }): RenderResult | null {
  if ('warmUp' in input) return null
  if (engine instanceof Error) throw engine
  return renderDeck(engine, input)
}
