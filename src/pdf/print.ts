import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import pLimit from 'p-limit'
import type { Browser, BrowserContext, Page } from 'puppeteer-core'
import { reason } from '../errors.js'
import type { Problem } from '../problems.js'

export interface PrintJob {
  readonly slug: string
  readonly source: string
  /** URL path of the deck page in the site, encoded (`talks/intro/index.html`). */
  readonly page: string
  readonly width: number
  readonly height: number
  readonly slides: number
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
}

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--mute-audio',
  '--font-render-hinting=none',
]

/**
 * One browser for the whole build, a pool of pages, decks printed concurrently. A deck that takes
 * longer than the timeout is given up; a browser that dies is started again once and its decks
 * retried. The browser and its profile are gone when this returns or throws.
 */
export async function printDecks(jobs: readonly PrintJob[], options: PrintOptions): Promise<PrintResult[]> {
  if (jobs.length === 0) return []
  const puppeteer = (await import('puppeteer-core')).default
  const profiles: string[] = []
  let browser: Browser | undefined
  let generation = 0
  let restarts = 0
  let launching: Promise<Browser> | undefined
  const killOnExit = () => browser?.process()?.kill('SIGKILL')
  process.once('exit', killOnExit)

  /** Starts a browser (a fresh profile each time, so a killed one's lock is no obstacle). */
  const launch = (): Promise<Browser> => {
    launching ??= (async () => {
      const old = browser
      browser = undefined
      await closeBrowser(old)
      const profile = await mkdtemp(path.join(tmpdir(), 'marp-site-pdf-'))
      profiles.push(profile)
      const b = await puppeteer.launch({
        executablePath: options.browserPath,
        headless: true,
        userDataDir: profile,
        args: CHROMIUM_ARGS,
        // We close the browser ourselves, after the build's own cleanup.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        protocolTimeout: Math.max(options.timeoutMs * 2, 60_000),
      })
      browser = b
      generation += 1
      return b
    })().finally(() => {
      launching = undefined
    })
    return launching
  }
  const current = async (): Promise<Browser> => launching ?? browser ?? launch()

  const onAbort = () => void closeBrowser(browser)
  options.signal?.addEventListener('abort', onAbort)
  try {
    await launch()
    const limit = pLimit(options.concurrency ?? Math.max(1, Math.min(availableParallelism(), 4)))
    let done = 0
    const results = await Promise.all(
      jobs.map((job) =>
        limit(async (): Promise<PrintResult> => {
          options.signal?.throwIfAborted()
          const seen = generation
          let result = await printOne(await current(), job, options)
          if (!result.ok && result.crashed && !options.signal?.aborted) {
            // The browser died under this deck. The first deck to notice starts it again (once per
            // build); every deck it took down is retried on the new one.
            await launching?.catch(() => undefined)
            if (generation === seen && restarts < 1) {
              restarts += 1
              await launch()
            }
            if (generation !== seen) result = await printOne(await current(), job, options)
          }
          done += 1
          options.onDone?.(done, jobs.length, job)
          return result.ok ? result : { slug: job.slug, ok: false, problems: result.problems }
        }),
      ),
    )
    options.signal?.throwIfAborted()
    return results
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await launching?.catch(() => undefined)
    await closeBrowser(browser)
    process.removeListener('exit', killOnExit)
    await Promise.all(profiles.map((p) => rm(p, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined)))
  }
}

async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return
  const child = browser.process()
  await withTimeout(browser.close().catch(() => undefined), 5000)
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

type Attempt = PrintResult & { readonly crashed?: boolean }

async function printOne(browser: Browser, job: PrintJob, options: PrintOptions): Promise<Attempt> {
  const external = new Set<string>()
  let context: BrowserContext | undefined
  let page: Page | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const fail = (message: string, crashed = false): Attempt => ({
    slug: job.slug,
    ok: false,
    crashed,
    problems: [{ file: job.source, rule: 'pdf-error', severity: 'error', message }],
  })
  try {
    // A context of its own per deck: its own renderer, so a deck stuck in a script holds up no other.
    context = await browser.createBrowserContext()
    page = await context.newPage()
    const work = (async () => {
      const p = page as Page
      await p.setRequestInterception(true)
      p.on('request', (request) => {
        const url = request.url()
        if (url.startsWith(`${options.base}/`) || url.startsWith('data:') || url.startsWith('blob:')) {
          void request.continue().catch(() => undefined)
        } else {
          external.add(url)
          void request.abort('blockedbyclient').catch(() => undefined)
        }
      })
      await p.setViewport({ width: job.width, height: job.height })
      // Print media from the start: every slide is laid out at its own size, as it will be printed.
      await p.emulateMediaType('print')
      await p.goto(`${options.base}/${job.page}`, { waitUntil: 'load', timeout: 0 })
      await p.evaluate(async () => {
        await document.fonts.ready
        await Promise.all(Array.from(document.images).map((img) => (img.complete ? undefined : img.decode().catch(() => undefined))))
      })
      await p.evaluate(flattenAutoScaling)
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
    return { slug: job.slug, ok: true, bytes, problems }
  } catch (error) {
    if (error instanceof PrintTimeout) {
      return fail(`PDF not made: printing took longer than ${Math.round(options.timeoutMs / 1000)} s (config pdf.timeout)`)
    }
    // The connection drops a moment before puppeteer marks the browser disconnected.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const proc = browser.process()
    const crashed = !browser.connected || (proc !== null && (proc.exitCode !== null || proc.signalCode !== null))
    return fail(`PDF not made: ${crashed ? 'the browser crashed' : reason(error)}`, crashed)
  } finally {
    clearTimeout(timer)
    // A page stuck in a script may not close; do not wait for it longer than a moment.
    if (context) await withTimeout(context.close().catch(() => undefined), 3000)
    else if (page) await withTimeout(page.close().catch(() => undefined), 2000)
  }
}

class PrintTimeout extends Error {}

/**
 * marp-core scales fitting headings, code blocks and display math with an SVG inside the element's
 * shadow DOM, and Chromium leaves those out of printed pages. In the page, before printing: measure
 * the scale each one got, drop the SVG, and apply the same scale with CSS zoom.
 */
async function flattenAutoScaling(): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  for (const host of Array.from(document.querySelectorAll<HTMLElement>('[data-auto-scaling]'))) {
    const svg = host.shadowRoot?.querySelector('marp-auto-scaling')?.shadowRoot?.querySelector('svg')
    const box = svg?.viewBox.baseVal
    const scale = svg && box && box.width > 0 ? svg.getBoundingClientRect().width / box.width : 1
    host.removeAttribute('data-auto-scaling')
    if (Number.isFinite(scale) && scale > 0 && Math.abs(scale - 1) > 0.001) host.style.setProperty('zoom', String(scale))
  }
}

/** Waits for a promise, at most `ms`; the timer does not keep the process alive. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}
