import { availableParallelism } from 'node:os'
import type { Browser, BrowserContext, HTTPRequest, Page } from 'puppeteer-core'
import { reason } from '../errors.js'
import { firstPage, hasExited, isSiteRequest, launchChromium, withTimeout, type Chromium } from '../browser/chromium.js'
import type { Problem } from '../problems.js'
import { measureOverflow, overflowProblems, TOLERANCE_PX, type Overflow } from '../browser/measure.js'
import { deckFrame } from '../browser/frame.js'
import { makeHandout } from './handout.js'

export interface PrintJob {
  readonly slug: string
  readonly source: string
  /** URL path of the deck page in the site, encoded (`talks/intro/index.html`). */
  readonly page: string
  readonly width: number
  readonly height: number
  /** Print a handout (each slide on an A4 page above these notes) instead of one page per slide. */
  readonly handout?: { readonly notes: readonly string[]; readonly title: string } | undefined
  /** The page's HTML as served, so that it can be swapped into a loaded page without a request. */
  readonly html?: (() => Promise<string>) | undefined
}

export type PrintResult =
  | { readonly slug: string; readonly ok: true; readonly bytes: Uint8Array; readonly problems: readonly Problem[] }
  | { readonly slug: string; readonly ok: false; readonly problems: readonly Problem[] }

export interface PrintOptions {
  readonly browserPath: string
  /** Origin of the private server holding the site (`http://127.0.0.1:PORT`). */
  readonly base: string
  readonly timeoutMs: number
  readonly concurrency?: number
  readonly signal?: AbortSignal | undefined
  readonly onDone?: (done: number, total: number, job: PrintJob) => void
  /** Each deck's result as soon as it is printed (the caller finishes the PDF while the next prints). */
  readonly onResult?: (result: PrintResult) => void
  /** A browser started earlier (see launchPrintBrowser), used instead of starting one; closed with the rest. */
  readonly prelaunched?: Promise<PrintBrowser> | undefined
}

/** A browser for printing, with its first tab (a browser context and its renderer) opening already. */
export interface PrintBrowser extends Chromium {
  readonly firstTab: Promise<Tab | undefined>
}

/** Starts the browser decks are printed with. A build starts it while its decks render, to save the wait. */
export async function launchPrintBrowser(browserPath: string, timeoutMs: number): Promise<PrintBrowser> {
  const chromium = await launchChromium({ browserPath, profilePrefix: 'marp-site-pdf-', protocolTimeout: Math.max(timeoutMs * 2, 60_000) })
  const firstTab = openFirstTab(chromium.browser).catch(() => undefined)
  return { ...chromium, firstTab }
}


/**
 * One browser for the whole build, a pool of pages, decks printed concurrently. A deck that takes
 * longer than the timeout is given up; a browser that dies is started again once and its decks
 * retried. The browser and its profile are gone when this returns or throws.
 */
export async function printDecks(jobs: readonly PrintJob[], options: PrintOptions): Promise<PrintResult[]> {
  if (jobs.length === 0) return []
  let chromium: Chromium | undefined
  let generation = 0
  let restarts = 0
  let launching: Promise<Browser> | undefined
  let prelaunched = options.prelaunched
  /** The tab the browser opened as it started, for the first slot to take. */
  let spare: Promise<Tab | undefined> | undefined

  /** Starts a browser (a fresh profile each time, so a killed one's lock is no obstacle). */
  const launch = (): Promise<Browser> => {
    launching ??= (async () => {
      const old = chromium
      chromium = undefined
      await old?.close()
      // The first time, the browser started early, if it did start.
      const early = await prelaunched?.catch(() => undefined)
      prelaunched = undefined
      const started = early ?? (await launchPrintBrowser(options.browserPath, options.timeoutMs))
      chromium = started
      spare = started.firstTab
      generation += 1
      return chromium.browser
    })().finally(() => {
      launching = undefined
    })
    return launching
  }
  const current = async (): Promise<Browser> => launching ?? chromium?.browser ?? launch()
  /** A tab on the current browser: the one it opened as it started, the first time, else a new one. */
  const takeTab = async (): Promise<Tab> => {
    // Taken before any wait, so that two slots never get the same one.
    const offered = spare
    spare = undefined
    const browser = await current()
    const opened = await offered
    if (opened?.browser === browser) return opened
    await opened?.close()
    return openTab(browser)
  }

  const onAbort = () => void chromium?.close()
  options.signal?.addEventListener('abort', onAbort)
  try {
    try {
      await launch()
    } catch (error) {
      // A browser that cannot start (not Chromium, a missing library, no memory): every deck is
      // reported, and the rest of the site builds.
      options.signal?.throwIfAborted()
      const message = `PDF not made: the browser did not start (${reason(error)})`
      return jobs.map((job, i) => {
        const result: PrintResult = { slug: job.slug, ok: false, problems: [{ file: job.source, rule: 'pdf-error', severity: 'error', message }] }
        options.onDone?.(i + 1, jobs.length, job)
        options.onResult?.(result)
        return result
      })
    }
    // Printing is CPU-bound in the browser: measured on 2 cores, one page at a time beats two or three
    // (10 decks: 9.6 s, 12.2 s, 14.0 s). Half the cores, at most 4.
    const slots = Math.max(1, Math.min(options.concurrency ?? Math.min(Math.floor(availableParallelism() / 2), 4), jobs.length))
    const queue = [...jobs.entries()]
    const results: PrintResult[] = new Array<PrintResult>(jobs.length)
    let done = 0
    // Each slot keeps one page in a browser context of its own (its own renderer, so a deck stuck in
    // a script holds up no other; the first slot has the browser's first tab, in its default
    // context) and prints deck after deck with it.
    const runSlot = async () => {
      let tab: Tab | undefined
      try {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [index, job] = next
          options.signal?.throwIfAborted()
          const seen = generation
          tab ??= await takeTab()
          let result = await printOne(tab, job, options)
          if (!result.ok) {
            // The page may be stuck or gone: never reuse it after a failure.
            await tab.close()
            tab = undefined
          }
          if (!result.ok && result.crashed && !options.signal?.aborted) {
            // The browser died under this deck. The first deck to notice starts it again (once per
            // build); every deck it took down is retried on the new one.
            await launching?.catch(() => undefined)
            if (generation === seen && restarts < 1) {
              restarts += 1
              await launch()
            }
            if (generation !== seen) {
              tab = await takeTab()
              result = await printOne(tab, job, options)
              if (!result.ok) {
                await tab.close()
                tab = undefined
              }
            }
          }
          done += 1
          options.onDone?.(done, jobs.length, job)
          results[index] = result.ok ? result : { slug: job.slug, ok: false, problems: result.problems }
          options.onResult?.(results[index])
        }
      } finally {
        await tab?.close()
      }
    }
    await Promise.all(Array.from({ length: slots }, runSlot))
    options.signal?.throwIfAborted()
    return results
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await spare?.then((t) => t?.close())
    await launching?.catch(() => undefined)
    await chromium?.close()
  }
}

type Attempt = PrintResult & { readonly crashed?: boolean }

interface Tab {
  readonly browser: Browser
  readonly page: Page
  /** The request handler of the deck being printed. */
  onRequest: ((request: HTTPRequest) => void) | undefined
  /** The page holds a deck page whose frame is recorded, so the next deck can be swapped in (see frame.ts). */
  framed: boolean
  /** The viewport the page was last given (`WxH`). */
  viewport: string | undefined
  close(): Promise<void>
}

/** The browser's first tab (see firstPage), in its default context. */
async function openFirstTab(browser: Browser): Promise<Tab> {
  const page = await firstPage(browser)
  return setUpTab(browser, page, () => page.close())
}

async function openTab(browser: Browser): Promise<Tab> {
  const context: BrowserContext = await browser.createBrowserContext()
  return setUpTab(browser, await context.newPage(), () => context.close())
}

async function setUpTab(browser: Browser, page: Page, close: () => Promise<void>): Promise<Tab> {
  await page.setRequestInterception(true)
  // Print media from the start: every slide is laid out at its own size, as it will be printed.
  await page.emulateMediaType('print')
  const tab: Tab = {
    browser,
    page,
    onRequest: undefined,
    framed: false,
    viewport: undefined,
    // A page stuck in a script may not close; do not wait for it longer than a moment.
    close: () => withTimeout(close().catch(() => undefined), 3000),
  }
  page.on('request', (request) => {
    if (tab.onRequest) tab.onRequest(request)
    else void request.abort('blockedbyclient').catch(() => undefined)
  })
  return tab
}

async function printOne(tab: Tab, job: PrintJob, options: PrintOptions): Promise<Attempt> {
  const { browser } = tab
  const external = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const fail = (message: string, crashed = false): Attempt => ({
    slug: job.slug,
    ok: false,
    crashed,
    problems: [{ file: job.source, rule: 'pdf-error', severity: 'error', message }],
  })
  try {
    tab.onRequest = (request) => {
      const url = request.url()
      if (isSiteRequest(url, options.base)) {
        void request.continue().catch(() => undefined)
      } else {
        external.add(url)
        void request.abort('blockedbyclient').catch(() => undefined)
      }
    }
    let overflow: Overflow[] = []
    const work = (async () => {
      const p = tab.page
      const url = `${options.base}/${job.page}`
      // Most decks of a site share a size: the page keeps its viewport (setting it again costs
      // round trips to the browser and a layout of the page that is about to be replaced).
      const viewport = `${job.width}x${job.height}`
      if (tab.viewport !== viewport) {
        await p.setViewport({ width: job.width, height: job.height })
        tab.viewport = viewport
      }
      // The deck is swapped into the page already loaded when it shares its frame; else loaded, with
      // the runtime off (`?view=print`: every slide showing, none hidden from the PDF's tags).
      const html = tab.framed ? await job.html?.().catch(() => undefined) : undefined
      const swapped = tab.framed && (await p.evaluate(deckFrame, 'swap', url, html).catch(() => false))
      if (!swapped) {
        tab.framed = false
        await p.goto(`${url}?view=print`, { waitUntil: 'load', timeout: 0 })
        tab.framed = await p.evaluate(deckFrame, 'remember', url).catch(() => false)
      }
      await p.evaluate(async () => {
        // Laid out now (which requests the fonts and images it needs; no need to wait a frame for
        // that), those loaded, then two frames for marp-core's auto-scaling to settle on the final layout.
        void document.body.getBoundingClientRect()
        await document.fonts.ready
        await Promise.all(Array.from(document.images).map((img) => (img.complete ? undefined : img.decode().catch(() => undefined))))
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
      })
      // Backgrounds and fonts that layout asked for are in before printing.
      await p.waitForNetworkIdle({ idleTime: 0, concurrency: 0, timeout: 0 })
      // The overflow rule, measured on the page as laid out for printing, before auto-scaled parts are flattened.
      overflow = await p.evaluate(measureOverflow, TOLERANCE_PX)
      await p.evaluate(flattenAutoScaling)
      if (job.handout) {
        await p.evaluate(makeHandout, [...job.handout.notes], job.handout.title)
        // The handout's own @page rule sets the paper (A4) and its margins.
        return p.pdf({ printBackground: true, preferCSSPageSize: true, timeout: 0 })
      }
      return p.pdf({
        width: `${job.width}px`,
        height: `${job.height}px`,
        printBackground: true,
        margin: { top: 0, right: 0, bottom: 0, left: 0 },
        preferCSSPageSize: false,
        timeout: 0,
      })
    })()
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PrintTimeout()), options.timeoutMs)
    })
    const bytes = await Promise.race([work, timeout])
    const problems: Problem[] = [...external].map((url) => ({
      file: job.source,
      rule: 'external-request',
      severity: 'warning',
      message: `${url} was blocked while printing the PDF (only the site's own files are loaded)`,
    }))
    problems.push(...overflowProblems(job.source, overflow))
    return { slug: job.slug, ok: true, bytes, problems }
  } catch (error) {
    if (error instanceof PrintTimeout) {
      return fail(`PDF not made: printing took longer than ${Math.round(options.timeoutMs / 1000)} s (config pdf.timeout)`)
    }
    // The connection drops a moment before puppeteer marks the browser disconnected.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const crashed = !browser.connected || hasExited(browser)
    return fail(`PDF not made: ${crashed ? 'the browser crashed' : reason(error)}`, crashed)
  } finally {
    clearTimeout(timer)
    tab.onRequest = undefined
  }
}

class PrintTimeout extends Error {}

/**
 * marp-core scales fitting headings, code blocks and display math with an SVG inside the element's
 * shadow DOM, and Chromium leaves those out of printed pages. In the page, once laid out, before
 * printing: measure the scale each one got, drop the SVG, and apply the same scale with CSS zoom.
 */
function flattenAutoScaling(): void {
  for (const host of Array.from(document.querySelectorAll<HTMLElement>('[data-auto-scaling]'))) {
    const svg = host.shadowRoot?.querySelector('marp-auto-scaling')?.shadowRoot?.querySelector('svg')
    const box = svg?.viewBox.baseVal
    const scale = svg && box && box.width > 0 ? svg.getBoundingClientRect().width / box.width : 1
    host.removeAttribute('data-auto-scaling')
    if (Number.isFinite(scale) && scale > 0 && Math.abs(scale - 1) > 0.001) host.style.setProperty('zoom', String(scale))
  }
}
