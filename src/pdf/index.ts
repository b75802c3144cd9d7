import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FoundBrowser } from '../browser/find.js'
import { launchForDecks, type DeckBrowser } from '../browser/launch.js'
import { cardOutput } from '../browser/card.js'
import { overflowOutput } from '../browser/overflow.js'
import { serveDir } from '../browser/server.js'
import { visitDecks, type OutputMaker, type VisitFailure, type VisitResult } from '../browser/visit.js'
import type { Cache } from '../cache/store.js'
import type { PdfConfig } from '../config/types.js'
import { encodePath } from '../discover/slug.js'
import { sha256 } from '../hash.js'
import { debug, swallowed } from '../log.js'
import { onSlideLines, type Problem } from '../problems.js'
import { problem } from '../rules.js'
import type { Staging } from '../write/outdir.js'
import { pdfPath, type DeckPage } from '../write/pages.js'
import { readCardKey, withCardKey } from '../publish/card-key.js'
import { cardPath } from '../publish/social.js'
import { finishPdf, readPdfKey } from './document.js'
import { pdfOutput, type PrintJob } from './print.js'

export interface PdfOutcome {
  /** Slug → site path of its PDF, for every deck that has one. */
  readonly pdfs: Map<string, string>
  /** Slug → site path of its social card, for every deck that has one. */
  readonly cards: Map<string, string>
  /** Slug → problems met while printing it. */
  readonly problems: Map<string, Problem[]>
  readonly printed: number
  readonly reused: number
}

/**
 * Makes a PDF for every printable deck, and a social card for every deck `cards` names: reuses the
 * previous build's file when nothing it depends on changed, and makes the others from the staging
 * folder through a private local server, with one page load per deck for both.
 */
export async function makePdfs(options: {
  decks: readonly DeckPage[]
  staging: Staging
  outDir: string
  pdf: PdfConfig
  /** false: no PDFs (config `pdf: false`), only the cards. */
  printPdfs?: boolean | undefined
  /** Slugs of the decks to make a social card (slide 1, 1200×630) for. */
  cards?: ReadonlySet<string> | undefined
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
  // A private build's page has no notes: those a PDF was asked to carry are part of its key.
  const notesKey = (d: DeckPage) => (pdf.notes && d.notes !== undefined ? sha256(JSON.stringify(d.notes), 16) : '')
  const keyOf = (d: DeckPage) =>
    sha256([d.contentKey, generator, browser.path, pdf.notes === 'annotations' ? 'notes' : pdf.notes || '', epoch ?? 'now', notesKey(d)].join('\n'), 32)
  const cardKeyOf = (d: DeckPage) => sha256([d.contentKey, generator, browser.path, 'card 1200x630'].join('\n'), 32)
  const log = debug('cache')

  const pdfs = new Map<string, string>()
  const cards = new Map<string, string>()
  const problems = new Map<string, Problem[]>()
  const addProblems = (slug: string, list: readonly Problem[]) => {
    if (list.length > 0) problems.set(slug, [...(problems.get(slug) ?? []), ...list])
  }
  const toCard = new Set<string>()
  for (const deck of decks) {
    if (!options.cards?.has(deck.deck.slug)) continue
    const file = cardPath(deck.deck.slug)
    const before = await readFile(path.join(options.outDir, ...file.split('/'))).catch(swallowed('pdf', `reading the previous ${file}`))
    if (before && readCardKey(before) === cardKeyOf(deck)) {
      log('card %s reused', file)
      await staging.write(file, before)
      cards.set(deck.deck.slug, file)
    } else {
      toCard.add(deck.deck.slug)
    }
  }
  const toPrint: DeckPage[] = []
  for (const deck of options.printPdfs === false ? [] : decks) {
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
  const printing = new Set(toPrint.map((d) => d.deck.slug))
  const toVisit = decks.filter((d) => printing.has(d.deck.slug) || toCard.has(d.deck.slug))
  const pdfDecks = options.printPdfs === false ? 0 : decks.length
  let done = pdfDecks - toPrint.length
  if (toVisit.length === 0) {
    // Nothing to print: the early browser is closed; one that did not start has nothing to close.
    await options.prelaunched?.then((c) => c.close(), swallowed('pdf', 'starting the browser early'))
    return { pdfs, cards, problems, printed: 0, reused: done }
  }

  const server = await serveDir(staging.dir)
  try {
    const bySlug = new Map(toVisit.map((d) => [d.deck.slug, d]))
    // Each PDF is finished (metadata, outline, notes) and written while the browser prints the next.
    const finishing: Promise<void>[] = []
    // A PDF that cannot be written (disk full, a name too long) fails the build: printing stops at
    // once, and that error, not the stop, is what the build throws.
    let writeFailure: { error: unknown } | undefined
    const stop = new AbortController()
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
    const finish = async (result: VisitResult<VisitJob>): Promise<void> => {
      const { slug } = result.job
      const deck = bySlug.get(slug)
      if (!deck) return
      if (!result.ok) {
        if (result.job.card)
          addProblems(slug, [problem('card-error', { file: deck.deck.source }, failureMessage(result.failure, pdf.timeoutMs, 'Social card'))])
        if (result.job.pdf) addProblems(slug, [problem('pdf-error', { file: deck.deck.source }, failureMessage(result.failure, pdf.timeoutMs, 'PDF'))])
        return
      }
      if (result.job.card) {
        const png = result.output(cardOutput)
        if (png) {
          await staging.write(cardPath(slug), withCardKey(png, cardKeyOf(deck)))
          cards.set(slug, cardPath(slug))
        }
      }
      if (!result.job.pdf) return
      // Overflow is found at a slide; the deck knows the line that slide starts on.
      const found = onSlideLines(result.problems, deck.deck.meta.slideLines)
      addProblems(slug, found)
      const file = pdfPath(slug)
      const { meta } = deck.deck
      const printed = result.output(pdfWhenAsked)
      if (!printed) return
      const bytes = await finishPdf(printed, {
        title: meta.title,
        author: meta.author,
        subject: meta.description,
        keywords: meta.tags,
        outline: meta.headings,
        notes: pdf.notes === 'annotations' ? (deck.notes ?? deck.deck.notes) : undefined,
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
      await visitDecks<VisitJob>(
        toVisit.map(
          (d): VisitJob => ({
            slug: d.deck.slug,
            source: d.deck.source,
            pdf: printing.has(d.deck.slug),
            card: toCard.has(d.deck.slug),
            page: encodePath(d.page),
            viewport: { width: d.deck.meta.width, height: d.deck.meta.height },
            handout: pdf.notes === 'handout' ? { notes: d.notes ?? d.deck.notes, title: d.deck.meta.title } : undefined,
            html: () => readFile(path.join(staging.dir, ...d.page.split('/')), 'utf8'),
          }),
        ),
        {
          // The overflow rule, measured on the page as laid out for printing, before the PDF's
          // flattening of auto-scaled parts changes it.
          outputs: [overflowOutput, ...(toCard.size > 0 ? [cardOutput] : []), pdfWhenAsked],
          launch: () => launchForDecks(browser.path, pdf.timeoutMs),
          prelaunched: options.prelaunched,
          base: server.base,
          load: 'print',
          timeoutMs: pdf.timeoutMs,
          signal,
          blockedWhile: 'printing the PDF',
          onDone: (_, __, job) => {
            if (!job.pdf) return
            done += 1
            options.onProgress?.(done, pdfDecks, job.source)
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
    return { pdfs, cards, problems, printed: toPrint.length, reused: pdfDecks - toPrint.length }
  } finally {
    await server.close()
  }
}

/** A deck loaded for its PDF, its social card, or both. */
interface VisitJob extends PrintJob {
  readonly pdf: boolean
  readonly card: boolean
}

/** The PDF maker, for the decks loaded for their PDF (not those loaded only for their card). */
const pdfWhenAsked: OutputMaker<VisitJob, Uint8Array | undefined> = {
  name: 'pdf',
  make: (deck) => (deck.job.pdf ? pdfOutput.make(deck) : Promise.resolve({ value: undefined, problems: [] })),
}

/** A deck's `pdf-error` (or `card-error`) message. */
function failureMessage(failure: VisitFailure, timeoutMs: number, what: 'PDF' | 'Social card'): string {
  switch (failure.kind) {
    case 'no-browser':
      return `${what} not made: the browser did not start (${failure.reason})`
    case 'timeout':
      return `${what} not made: printing took longer than ${Math.round(timeoutMs / 1000)} s (config pdf.timeout)`
    case 'crashed':
      return `${what} not made: the browser crashed`
    case 'error':
      return `${what} not made: ${failure.reason}`
  }
}
