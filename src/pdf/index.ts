import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { PdfConfig } from '../config/types.js'
import { encodePath } from '../discover/slug.js'
import type { Problem } from '../problems.js'
import type { Cache } from '../cache/store.js'
import type { Staging } from '../write/outdir.js'
import { pdfPath, type DeckPage } from '../write/pages.js'
import type { FoundBrowser } from './browser.js'
import { finishPdf, readPdfKey } from './document.js'
import { printDecks, type PrintBrowser, type PrintResult } from './print.js'
import { serveDir } from './server.js'

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
  signal?: AbortSignal | undefined
  /** A browser started early by the build; closed here when nothing needs printing. */
  prelaunched?: Promise<PrintBrowser> | undefined
  /** Keeps each PDF's print-time problems (overflow, blocked requests), so a reused PDF still reports them. */
  cache?: Cache | undefined
  onProgress?: ((done: number, total: number, source: string) => void) | undefined
  /** The site's public URL (config `baseUrl`), for links from a PDF into the site. */
  baseUrl?: string | undefined
}): Promise<PdfOutcome> {
  const { decks, staging, pdf, browser, generator } = options
  const epoch = process.env['SOURCE_DATE_EPOCH']
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date()
  const keyOf = (d: DeckPage) =>
    createHash('sha256')
      .update([d.contentKey, generator, browser.path, pdf.notes === 'annotations' ? 'notes' : pdf.notes || '', epoch ?? 'now'].join('\n'))
      .digest('hex')
      .slice(0, 32)

  const pdfs = new Map<string, string>()
  const problems = new Map<string, Problem[]>()
  const toPrint: DeckPage[] = []
  for (const deck of decks) {
    const key = keyOf(deck)
    const before = await readFile(path.join(options.outDir, ...pdfPath(deck.deck.slug).split('/'))).catch(() => undefined)
    // A PDF made without SOURCE_DATE_EPOCH carries its own date: reuse it only with a fixed epoch or as is.
    // Without what printing found (no cache), the deck is printed again.
    const found = before && readPdfKey(before) === key ? await options.cache?.get<Problem[]>('prints', key) : undefined
    if (before && found) {
      await staging.write(pdfPath(deck.deck.slug), before)
      pdfs.set(deck.deck.slug, pdfPath(deck.deck.slug))
      if (found.length > 0) problems.set(deck.deck.slug, found)
    } else toPrint.push(deck)
  }
  let done = decks.length - toPrint.length
  if (toPrint.length === 0) {
    await options.prelaunched?.then((c) => c.close(), () => undefined)
    return { pdfs, problems, printed: 0, reused: done }
  }

  const server = await serveDir(staging.dir)
  try {
    const bySlug = new Map(toPrint.map((d) => [d.deck.slug, d]))
    // Each PDF is finished (metadata, outline, notes) and written while the browser prints the next.
    const finishing: Promise<void>[] = []
    const finish = async (result: PrintResult): Promise<void> => {
      const deck = bySlug.get(result.slug)
      if (!deck) return
      if (result.problems.length > 0) problems.set(result.slug, [...result.problems])
      if (!result.ok) return
      const { meta } = deck.deck
      const bytes = await finishPdf(result.bytes, {
        title: meta.title,
        author: meta.author,
        subject: meta.description,
        keywords: meta.tags,
        outline: meta.headings,
        notes: pdf.notes === 'annotations' ? deck.deck.notes : undefined,
        date,
        generator,
        key: keyOf(deck),
        siteLinks: { origin: `${server.base}/`, pdfDir: encodePath(path.posix.dirname(pdfPath(deck.deck.slug))), baseUrl: options.baseUrl },
      })
      await staging.write(pdfPath(deck.deck.slug), bytes)
      await options.cache?.set('prints', keyOf(deck), result.problems)
      pdfs.set(result.slug, pdfPath(deck.deck.slug))
    }
    try {
      await printDecks(
        toPrint.map((d) => ({
          slug: d.deck.slug,
          source: d.deck.source,
          page: encodePath(d.page),
          width: d.deck.meta.width,
          height: d.deck.meta.height,
          handout: pdf.notes === 'handout' ? { notes: d.deck.notes, title: d.deck.meta.title } : undefined,
          html: () => readFile(path.join(staging.dir, ...d.page.split('/')), 'utf8'),
        })),
        {
          browserPath: browser.path,
          base: server.base,
          timeoutMs: pdf.timeoutMs,
          signal: options.signal,
          prelaunched: options.prelaunched,
          onDone: (_, __, job) => {
            done += 1
            options.onProgress?.(done, decks.length, job.source)
          },
          onResult: (result) => finishing.push(finish(result)),
        },
      )
    } finally {
      // Settled before the staging folder can go away, also when printing stopped.
      await Promise.allSettled(finishing)
    }
    await Promise.all(finishing)
    return { pdfs, problems, printed: toPrint.length, reused: decks.length - toPrint.length }
  } finally {
    await server.close()
  }
}
