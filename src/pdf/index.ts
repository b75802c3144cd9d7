import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FoundBrowser } from '../browser/find.js'
import { launchForDecks, type DeckBrowser } from '../browser/launch.js'
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
import { writeMedia } from '../media/files.js'
import { pptxImages, type MediaFiles, type MediaPlan } from '../media/plan.js'
import { shotsOutput } from '../media/shoot.js'
import type { Staging } from '../write/outdir.js'
import { pdfPath, type DeckPage } from '../write/pages.js'
import { readCardKey, withCardKey } from '../publish/card-key.js'
import { cardPath } from '../publish/social.js'
import { cardOutput } from '../browser/card.js'
import { finishPdf, readPdfKey } from './document.js'
import { pdfOutput, type PrintJob } from './print.js'

export interface PdfOutcome {
  /** Slug → site path of its PDF, for every deck that has one. */
  readonly pdfs: Map<string, string>
  /** Slug → site path of its social card, for every deck that has one. */
  readonly cards: Map<string, string>
  /** Slug → the media taken of it (thumbnail, slide images, PPTX). */
  readonly media: Map<string, MediaFiles>
  /** Slug → problems met while printing it. */
  readonly problems: Map<string, Problem[]>
  readonly printed: number
  readonly reused: number
}

/**
 * Makes a PDF for every printable deck: reuses the previous build's PDF when nothing it depends on
 * changed, prints the others from the staging folder through a private local server. In the same load
 * of each deck page, takes the pictures `media` asks for of the decks whose media were not kept
 * (`DeckPage.takeMedia`), and the social card of each deck `cards` names whose card is not current:
 * a deck whose PDF is current is loaded for its pictures or card only.
 */
export async function makePdfs(options: {
  decks: readonly DeckPage[]
  staging: Staging
  outDir: string
  pdf: PdfConfig
  /** false: no PDFs (config `pdf: false`), only pictures. */
  print?: boolean | undefined
  /** What to take of each deck besides its PDF; without, nothing. */
  media?: MediaPlan | undefined
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
  const media = new Map<string, MediaFiles>()
  const problems = new Map<string, Problem[]>()
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
  const print = options.print !== false
  const shoot = (d: DeckPage) => options.media !== undefined && d.takeMedia === true
  for (const deck of decks) {
    if (!print) continue
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
  const printing = new Set(toPrint)
  const toVisit = decks.filter((d) => printing.has(d) || shoot(d) || toCard.has(d.deck.slug))
  const reused = print ? decks.length - toPrint.length : 0
  let done = decks.length - toVisit.length
  if (toVisit.length === 0) {
    // Nothing to print: the early browser is closed; one that did not start has nothing to close.
    await options.prelaunched?.then((c) => c.close(), swallowed('pdf', 'starting the browser early'))
    return { pdfs, cards, media, problems, printed: 0, reused }
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
        const failed: Problem[] = []
        if (result.job.card) failed.push(problem('card-error', { file: deck.deck.source }, failureMessage('Social card', result.failure, pdf.timeoutMs)))
        if (result.job.print !== false || result.job.shots) {
          const what = result.job.print === false ? 'Slide pictures' : 'PDF'
          failed.push(problem('pdf-error', { file: deck.deck.source }, failureMessage(what, result.failure, pdf.timeoutMs)))
        }
        problems.set(slug, failed)
        return
      }
      if (result.job.card) {
        const png = result.output(cardWhenAsked)
        if (png) {
          await staging.write(cardPath(slug), withCardKey(png, cardKeyOf(deck)))
          cards.set(slug, cardPath(slug))
        }
      }
      // Loaded for its card alone: its reused PDF brought what printing found.
      if (result.job.print === false && !result.job.shots) return
      // Overflow is found at a slide; the deck knows the line that slide starts on.
      const found = onSlideLines(result.problems, deck.deck.meta.slideLines)
      if (found.length > 0) problems.set(slug, found)
      else problems.delete(slug)
      const { meta } = deck.deck
      const taken = result.output(shotsOutput)
      if (taken && options.media) {
        const deckInfo = {
          slug,
          width: meta.width,
          height: meta.height,
          notes: deck.deck.notes,
          title: meta.title,
          author: meta.author,
          description: meta.description,
        }
        media.set(slug, await writeMedia(staging, deckInfo, options.media, taken))
      }
      if (result.job.print === false) return
      const printed = result.output(pdfOutput)
      const file = pdfPath(slug)
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
            print: printing.has(d),
            card: toCard.has(d.deck.slug),
            shots: shoot(d) && options.media ? shotsFor(options.media) : undefined,
            slug: d.deck.slug,
            source: d.deck.source,
            page: encodePath(d.page),
            viewport: { width: d.deck.meta.width, height: d.deck.meta.height },
            handout: pdf.notes === 'handout' ? { notes: d.notes ?? d.deck.notes, title: d.deck.meta.title } : undefined,
            html: () => readFile(path.join(staging.dir, ...d.page.split('/')), 'utf8'),
          }),
        ),
        {
          // The overflow rule, measured on the page as laid out for printing, before the PDF's
          // flattening of auto-scaled parts changes it.
          // Then the pictures, of the page as laid out too (the flattening changes nothing on screen).
          outputs: [overflowOutput, ...(toCard.size > 0 ? [cardWhenAsked] : []), shotsOutput, pdfOutput],
          launch: () => launchForDecks(browser.path, pdf.timeoutMs),
          prelaunched: options.prelaunched,
          base: server.base,
          load: 'print',
          timeoutMs: pdf.timeoutMs,
          signal,
          blockedWhile: print ? 'printing the PDF' : 'taking pictures of the slides',
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
    return { pdfs, cards, media, problems, printed: toPrint.length, reused }
  } finally {
    await server.close()
  }
}

/** What to take of a deck for `plan`: the thumbnail, and the slide images and PPTX pictures it asks for. */
function shotsFor(plan: MediaPlan) {
  const forPptx = pptxImages(plan)
  return { thumb: true, slides: plan.images, pptx: forPptx === 'slides' ? undefined : forPptx }
}

/** A deck loaded for its PDF, pictures, social card, or some of them. */
interface VisitJob extends PrintJob {
  readonly card: boolean
}

/** The social card, for the decks loaded for one. */
const cardWhenAsked: OutputMaker<VisitJob, Uint8Array | undefined> = {
  name: 'card',
  make: (deck) => (deck.job.card ? cardOutput.make(deck) : Promise.resolve({ value: undefined, problems: [] })),
}

/** A deck's `pdf-error` (or `card-error`) message. */
function failureMessage(what: string, failure: VisitFailure, timeoutMs: number): string {
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
