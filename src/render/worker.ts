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

let engine: Engine | undefined

export default function render(input: DeckInput): RenderResult {
  engine ??= createEngine(Piscina.workerData as WorkerSetup)
  return renderDeck(engine, input)
}
