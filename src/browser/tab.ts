import type { Browser, BrowserContext, HTTPRequest, Page } from 'puppeteer-core'
import { swallowed } from '../log.js'
import { firstPage, withTimeout } from './chromium.js'
import { deckFrame } from './frame.js'

/** A page kept for deck after deck, with what it holds now. */
export interface Tab {
  readonly browser: Browser
  readonly page: Page
  /** The request handler of the deck being loaded; without one, every request is blocked. */
  onRequest: ((request: HTTPRequest) => void) | undefined
  /** What a blocked connection was to (a WebSocket, which request interception never sees; see server.ts). */
  onBlocked: ((url: string) => void) | undefined
  /** Its renderer died (killed, out of memory): the tab is of no more use, and what waits on it never ends. */
  crashed: boolean
  onCrash: (() => void) | undefined
  /** The page holds a deck page whose frame is recorded, so the next deck can be swapped in (see frame.ts). */
  framed: boolean
  /** The viewport the page was last given (`WxH`). */
  viewport: string | undefined
  close(): Promise<void>
}

/** What a tab loads a deck for, to hand it to output makers. */
export interface TabDeck {
  /** URL path of the deck page in the site, encoded (`talks/intro/index.html`). */
  readonly page: string
  /** The viewport the page is laid out in (the slide size); without, the browser's default (800×600). */
  readonly viewport?: { readonly width: number; readonly height: number } | undefined
  /** The page's HTML as served, so that it can be swapped into a loaded page without a request. */
  readonly html?: (() => Promise<string>) | undefined
}

/**
 * How a deck is loaded into a tab:
 * - `print`: its runtime off (`?view=print`: every slide showing, none hidden from a PDF's tags),
 *   swapped into the page already loaded when it shares its frame, then settled: fonts and images
 *   loaded, marp-core's auto-scaling laid out, the network idle.
 * - `page`: the page as served, its runtime on, once its fonts are loaded.
 */
export type LoadMode = 'print' | 'page'

/** The browser's first tab (see firstPage), in its default context. */
export async function openFirstTab(browser: Browser): Promise<Tab> {
  const page = await firstPage(browser)
  return setUpTab(browser, page, () => page.close())
}

/** A tab in a browser context of its own (its own renderer, so a deck stuck in a script holds up no other). */
export async function openTab(browser: Browser): Promise<Tab> {
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
    onBlocked: undefined,
    crashed: false,
    onCrash: undefined,
    framed: false,
    viewport: undefined,
    // A page stuck in a script may not close; do not wait for it longer than a moment. A tab that
    // does not close goes with its browser.
    close: () => withTimeout(close().catch(swallowed('browser', 'closing a tab')), 3000),
  }
  // Puppeteer's word for a renderer gone ('Page crashed!').
  page.on('error', () => {
    tab.crashed = true
    tab.onCrash?.()
  })
  // Connections the site's Content-Security-Policy refused (see server.ts), from the message Chromium
  // logs for each. (Not from the Audits domain: a second DevTools session on the page changed how
  // \`check\` measured overflow.)
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const refused = /^Connecting to '([^']+)' violates the following Content Security Policy directive/.exec(message.text())
    if (refused?.[1]) tab.onBlocked?.(refused[1])
  })
  page.on('request', (request) => {
    if (tab.onRequest) tab.onRequest(request)
    // The request may be gone already (the page navigated or closed): nothing left to block.
    else void request.abort('blockedbyclient').catch(swallowed('browser', 'blocking a request'))
  })
  return tab
}

/** Loads the deck page at `${base}/${deck.page}` into the tab, as `mode` says. */
export async function loadDeck(tab: Tab, deck: TabDeck, base: string, mode: LoadMode): Promise<void> {
  const p = tab.page
  const url = `${base}/${deck.page}`
  // Most decks of a site share a size: the page keeps its viewport (setting it again costs
  // round trips to the browser and a layout of the page that is about to be replaced).
  if (deck.viewport) {
    const viewport = `${deck.viewport.width}x${deck.viewport.height}`
    if (tab.viewport !== viewport) {
      await p.setViewport({ width: deck.viewport.width, height: deck.viewport.height })
      tab.viewport = viewport
    }
  }
  if (mode === 'page') {
    // The runtime would not run again on a swapped-in body: every page is loaded on its own.
    tab.framed = false
    await p.goto(url, { waitUntil: 'load', timeout: 0 })
    await p.evaluate(() => document.fonts.ready.then(() => undefined))
    return
  }
  // A deck that cannot be swapped in (no HTML at hand, another frame, a failed swap) is loaded
  // normally instead; the reasons are on the debug channel.
  const html = tab.framed ? await deck.html?.().catch(swallowed('browser', 'reading a deck page to swap in')) : undefined
  const swapped = tab.framed && (await p.evaluate(deckFrame, 'swap', url, html).catch(swallowed('browser', 'swapping a deck into the loaded page'))) === true
  if (!swapped) {
    tab.framed = false
    await p.goto(`${url}?view=print`, { waitUntil: 'load', timeout: 0 })
    // Without a recorded frame, the next deck is loaded normally.
    tab.framed = (await p.evaluate(deckFrame, 'remember', url).catch(swallowed('browser', 'recording the frame of a deck page'))) === true
  }
  // In the page, away from the debug channel: an image that cannot be decoded is laid out as the
  // browser shows it.
  await p.evaluate(async () => {
    // Laid out now (which requests the fonts and images it needs; no need to wait a frame for
    // that), those loaded, then two frames for marp-core's auto-scaling to settle on the final layout.
    void document.body.getBoundingClientRect()
    await document.fonts.ready
    await Promise.all(Array.from(document.images).map((img) => (img.complete ? undefined : img.decode().catch(() => undefined))))
    // Slide backgrounds are CSS, not in document.images, and the network idle below may come before
    // their requests are seen (a deck swapped in has no load event to wait for them): each is awaited.
    const backgrounds = new Set<string>()
    for (const el of Array.from(document.querySelectorAll('svg[data-marpit-svg] section, svg[data-marpit-svg] figure'))) {
      for (const m of getComputedStyle(el).backgroundImage.matchAll(/url\("([^"]+)"\)/g)) {
        // The site's own files only: anything else is blocked, and reported from the page's own request.
        if (m[1] && new URL(m[1], location.href).origin === location.origin) backgrounds.add(m[1])
      }
    }
    await Promise.all(
      Array.from(backgrounds, (src) => {
        const img = new Image()
        img.src = src
        return img.decode().catch(() => undefined)
      }),
    )
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  })
  // Backgrounds and fonts that layout asked for are in before any output is made.
  await p.waitForNetworkIdle({ idleTime: 0, concurrency: 0, timeout: 0 })
}
