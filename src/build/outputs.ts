import type { ResolvedConfig } from '../config/types.js'
import { swallowed } from '../log.js'
import type { DeckBrowser } from '../browser/launch.js'
import type { MediaFiles } from '../media/plan.js'
import type { Problem } from '../problems.js'
import type { Cache } from '../cache/store.js'
import { makesCards } from '../publish/social.js'
import { GENERATOR } from '../version.js'
import type { Staging } from '../write/outdir.js'
import type { WrittenPages } from '../write/site.js'
import type { BuildOptions } from './options.js'
import type { Prepared } from './prepare.js'

/** A browser started while decks render, for the outputs made in a browser (PDFs). */
export interface WarmOutputs {
  readonly browser: Promise<DeckBrowser> | undefined
  /** Closes the browser unless an output maker took it (which closes it itself). */
  close(): Promise<void>
}

/**
 * Decks that render again will most likely print again: the browser starts now (its start is the
 * longest wait of a PDF build), while they render. The PDF maker closes it; every other path (nothing
 * to print, an error, Ctrl-C) closes it through `close`. The PDF modules (pdf-lib among them) load
 * meanwhile too.
 */
export function warmOutputs(config: ResolvedConfig, prepared: Prepared, toRender: number): WarmOutputs {
  const found = prepared.browser
  const browser =
    found && toRender > 0
      ? import('../browser/launch.js').then((m) => {
          const launched = m.launchForDecks(found.path, config.pdf.timeoutMs)
          // Only a head start: the PDF phase imports it again and reports a failure there.
          void import('../pdf/index.js').catch(swallowed('pdf', 'loading the PDF modules early'))
          return launched
        })
      : undefined
  // A browser that did not start is reported by the PDF phase, which starts one itself.
  browser?.catch(swallowed('browser', 'starting the browser early'))
  return {
    browser,
    close: async () => void (await browser?.then((c) => c.close(), swallowed('browser', 'closing the early browser'))),
  }
}

export interface Outputs {
  /** Slug → site path of its PDF, for every deck that has one. */
  readonly pdfs: Map<string, string>
  /** Slug → site path of its social card, for every deck that has one. */
  readonly cards: Map<string, string>
  /** Slug → the media taken of it this time (thumbnail, slide images, PPTX). */
  readonly media: Map<string, MediaFiles>
  /** Slug → problems met while making its outputs. */
  readonly problems: Map<string, Problem[]>
  readonly printed: number
  readonly reused: number
}

/** Phase 4: the outputs made from the written pages in a browser (PDFs, pictures, social cards), when a browser was found. */
export async function makeOutputs(
  config: ResolvedConfig,
  options: BuildOptions,
  prepared: Prepared,
  pages: WrittenPages,
  staging: Staging,
  warm: WarmOutputs,
  cache: Cache | undefined,
): Promise<Outputs> {
  const { browser } = prepared
  if (!browser || pages.decks.length === 0) return { pdfs: new Map(), cards: new Map(), media: new Map(), problems: new Map(), printed: 0, reused: 0 }
  // A deck with its own `image:` shares that picture instead of a card.
  const cards = makesCards(config) ? new Set(pages.decks.filter((d) => d.deck.meta.image === undefined).map((d) => d.deck.slug)) : undefined
  // Loaded only when PDFs are made: HTML-only builds never load the browser driver.
  const { makePdfs } = await import('../pdf/index.js')
  const { onProgress } = options
  return makePdfs({
    decks: pages.decks,
    staging,
    outDir: config.outDir,
    pdf: config.pdf,
    print: prepared.pdfs,
    cards,
    media: prepared.takesMedia ? prepared.plan : undefined,
    browser,
    generator: GENERATOR,
    env: options.env ?? process.env,
    signal: options.signal,
    cache,
    prelaunched: warm.browser,
    baseUrl: config.baseUrl,
    onProgress: onProgress && ((done, total, source) => onProgress({ phase: prepared.pdfs ? 'pdf' : 'images', done, total, source })),
  })
}
