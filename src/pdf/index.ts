import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FoundBrowser } from '../browser/find.js'
import { launchForDecks, type DeckBrowser } from '../browser/launch.js'
import { overflowOutput } from '../browser/overflow.js'
import { serveDir } from '../browser/server.js'
import { visitDecks, type VisitFailure, type VisitResult } from '../browser/visit.js'
import type { Cache } from '../cache/store.js'
import type { PdfConfig } from '../config/types.js'
import { encodePath } from '../discover/slug.js'
import { sha256 } from '../hash.js'
import { debug, swallowed } from '../log.js'
import { onSlideLines, type Problem } from '../problems.js'
import { problem } from '../rules.js'
import type { Staging } from '../write/outdir.js'
import { pdfPath, type DeckPage } from '../write/pages.js'
import { finishPdf, readPdfKey } from './document.js'
import { pdfOutput, type PrintJob } from './print.js'

export interface PdfOutcome {
  /** Slug → site path of its PDF, for every deck that has one. */
  readonly pdfs: Map<string, string>
  /** Slug → problems met while printing it. */
  readonly problems: Map<string, Problem[]>
  readonly printed: number
  readonly reused: number
}

/**
 * Makes a PDF for every printable deck: reuses the previous build's PDF when nothing it depends on
 * changed, prints the others from the staging folder through a private local server.
 */
export async function makePdfs(options: {
  decks: readonly DeckPage[]
  staging: Staging
  outDir: string
  pdf: PdfConfig
  browser: FoundBrowser
  generator: string
  /** The build's environment, for `SOURCE_DATE_EPOCH` (the PDFs' dates). */
  env: NodeJS.ProcessEnv
  signal?: AbortSignal | undefined
  /** A browser started early by the build (see launchForDecks); closed here when nothing needs printing. */
  prelaunched?: Promise<DeckBrowser> | undefined
  /** Keeps each PDF's print-time problems (overflow, blocked requests), so a reused PDF still reports them. */
  cache?: Cache | undefined
  onProgress?: ((done: number, total: number, source: string) => void) | undefined
  /** The site's public URL (config `baseUrl`), for links from a PDF into the site. */
  baseUrl?: string | undefined
}): Promise<PdfOutcome> {
  const { decks, staging, pdf, browser, generator } = options
  const epoch = options.env['SOURCE_DATE_EPOCH']
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date()
  const keyOf = (d: DeckPage) =>
    sha256([d.contentKey, generator, browser.path, pdf.notes === 'annotations' ? 'notes' : pdf.notes || '', epoch ?? 'now'].join('\n'), 32)
  const log = debug('cache')

  const pdfs = new Map<string, string>()
  const problems = new Map<string, Problem[]>()
  const toPrint: DeckPage[] = []
  for (const deck of decks) {
    const key = keyOf(deck)
    const file = pdfPath(deck.deck.slug)
    // No PDF there (a first build, a new deck): it is printed.
    const before = await readFile(path.join(options.outDir, ...file.split('/'))).catch(swallowed('pdf', `reading the previous ${file}`))
    // A PDF made without SOURCE_DATE_EPOCH carries its own date: reuse it only with a fixed epoch or as is.
    // Without what printing found (no cache), the deck is printed again.
    const made = before && readPdfKey(before)
    const found = before && made === key ? await options.cache?.get<Problem[]>('prints', key) : undefined
    if (before && found) {
      log('PDF %s reused (key %s)', file, key)
      await staging.write(file, before)
      pdfs.set(deck.deck.slug, file)
      if (found.length > 0) problems.set(deck.deck.slug, found)
    } else {
      log(
        'PDF %s printed: %s',
        file,
        !before ? 'none before' : made !== key ? `made from other inputs (key ${made ?? 'none'}, now ${key})` : 'what printing found is not cached',
      )
      toPrint.push(deck)
    }
  }
  let done = decks.length - toPrint.length
  if (toPrint.length === 0) {
    // Nothing to print: the early browser is closed; one that did not start has nothing to close.
    await options.prelaunched?.then((c) => c.close(), swallowed('pdf', 'starting the browser early'))
    return { pdfs, problems, printed: 0, reused: done }
  }

  const server = await serveDir(staging.dir)
  try {
    const bySlug = new Map(toPrint.map((d) => [d.deck.slug, d]))
    // Each PDF is finished (metadata, outline, notes) and written while the browser prints the next.
    const finishing: Promise<void>[] = []
    // A PDF that cannot be written (disk full, a name too long) fails the build: printing stops at
    // once, and that error, not the stop, is what the build throws.
    let writeFailure: { error: unknown } | undefined
    const stop = new AbortController()
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
    const finish = async (result: VisitResult<PrintJob>): Promise<void> => {
      const { slug } = result.job
      const deck = bySlug.get(slug)
      if (!deck) return
      if (!result.ok) {
        problems.set(slug, [problem('pdf-error', { file: deck.deck.source }, failureMessage(result.failure, pdf.timeoutMs))])
        return
      }
      // Overflow is found at a slide; the deck knows the line that slide starts on.
      const found = onSlideLines(result.problems, deck.deck.meta.slideLines)
      if (found.length > 0) problems.set(slug, found)
      const file = pdfPath(slug)
      const { meta } = deck.deck
      const bytes = await finishPdf(result.output(pdfOutput), {
        title: meta.title,
        author: meta.author,
        subject: meta.description,
        keywords: meta.tags,
        outline: meta.headings,
        notes: pdf.notes === 'annotations' ? deck.deck.notes : undefined,
        date,
        generator,
        key: keyOf(deck),
        siteLinks: { origin: `${server.base}/`, pdfDir: encodePath(path.posix.dirname(file)), baseUrl: options.baseUrl },
      })
      await staging.write(file, bytes)
      await options.cache?.set('prints', keyOf(deck), found)
      pdfs.set(slug, file)
    }
    try {
      await visitDecks<PrintJob>(
        toPrint.map(
          (d): PrintJob => ({
            slug: d.deck.slug,
            source: d.deck.source,
            page: encodePath(d.page),
            viewport: { width: d.deck.meta.width, height: d.deck.meta.height },
            handout: pdf.notes === 'handout' ? { notes: d.deck.notes, title: d.deck.meta.title } : undefined,
            html: () => readFile(path.join(staging.dir, ...d.page.split('/')), 'utf8'),
          }),
        ),
        {
          // The overflow rule, measured on the page as laid out for printing, before the PDF's
          // flattening of auto-scaled parts changes it.
          outputs: [overflowOutput, pdfOutput],
          launch: () => launchForDecks(browser.path, pdf.timeoutMs),
          prelaunched: options.prelaunched,
          base: server.base,
          load: 'print',
          timeoutMs: pdf.timeoutMs,
          signal,
          blockedWhile: 'printing the PDF',
          onDone: (_, __, job) => {
            done += 1
            options.onProgress?.(done, decks.length, job.source)
          },
          // Observed at once: a rejection waiting for the visit to end would crash the process.
          onResult: (result) =>
            finishing.push(
              finish(result).catch((error: unknown) => {
                writeFailure ??= { error }
                stop.abort()
              }),
            ),
        },
      )
    } catch (error) {
      if (!writeFailure || options.signal?.aborted) throw error
    } finally {
      // Settled before the staging folder can go away, also when printing stopped.
      await Promise.allSettled(finishing)
    }
    if (writeFailure) throw writeFailure.error
    return { pdfs, problems, printed: toPrint.length, reused: decks.length - toPrint.length }
  } finally {
    await server.close()
  }
}

/** A deck's `pdf-error` message. */
function failureMessage(failure: VisitFailure, timeoutMs: number): string {
  switch (failure.kind) {
    case 'no-browser':
      return `PDF not made: the browser did not start (${failure.reason})`
    case 'timeout':
      return `PDF not made: printing took longer than ${Math.round(timeoutMs / 1000)} s (config pdf.timeout)`
    case 'crashed':
      return 'PDF not made: the browser crashed'
    case 'error':
      return `PDF not made: ${failure.reason}`
  }
}
