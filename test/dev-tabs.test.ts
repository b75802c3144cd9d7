import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevSession } from '../src/dev/dev.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { project, unbuildable } from './helpers/project.js'

/** Polls the page until `check(arg)` is true; survives the page reloading in between. */
async function until<A>(page: Page, check: (arg: A) => boolean, arg: A, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await page.evaluate(check as (a: unknown) => boolean, arg as unknown).catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out on ${page.url()}: ${check.toString()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const DECKS = 40
const deck = (i: number, version: string) => `---\ntitle: Deck ${i} ${version}\n---\n\n# Heading ${i} ${version}\n\n---\n\n## Second\n`
const slug = (i: number) => `deck-${String(i).padStart(2, '0')}`

let root: string
let dev: DevSession
let chromium: TestBrowser
/** Every request for the live-reload stream, from any page or frame of the browser. */
const streams: string[] = []

beforeAll(async () => {
  const files: Record<string, string> = {}
  for (let i = 1; i <= DECKS; i += 1) files[`slides/${slug(i)}.md`] = deck(i, 'v1')
  root = await project(files)
  dev = await startDev({ root }, { port: 0 })
  chromium = await launchBrowser()
})

afterAll(async () => {
  await chromium?.close()
  await dev?.close()
})

async function open(url: string): Promise<Page> {
  const page = await chromium.browser.newPage()
  page.on('request', (request) => {
    if (request.url().includes('/__marp-site/events')) streams.push(request.url())
  })
  await page.goto(url, { waitUntil: 'load', timeout: 20_000 })
  return page
}

describe('dev with many decks and many tabs', { timeout: 180_000 }, () => {
  it('holds one live-reload connection for the whole browser: the index of 40 decks, five deck tabs and a presenter all load and all follow an edit', async () => {
    const index = await open(dev.url)
    // Every thumbnail loads (each is a page of the site: with a stream per frame they would queue).
    await until(
      index,
      (n) => [...document.querySelectorAll('iframe.ms-thumb')].filter((f) => (f as HTMLIFrameElement).contentDocument?.readyState === 'complete').length === n,
      DECKS,
    )
    const decks: Page[] = []
    for (let i = 1; i <= 5; i += 1) {
      const page = await open(`${dev.url}${slug(i)}/index.html`)
      await until(page, (n) => document.querySelector('svg.ms-active h1')?.textContent === `Heading ${n} v1`, i)
      decks.push(page)
    }
    const presenter = await open(`${dev.url}${slug(1)}/index.html?view=presenter`)
    await until(presenter, () => document.body.classList.contains('ms-presenter'), undefined)
    // Pages that reload take the lead in turn, but never two streams at once: one request so far.
    expect(streams).toHaveLength(1)

    for (let i = 1; i <= 5; i += 1) await writeFile(path.join(root, 'slides', `${slug(i)}.md`), deck(i, 'v2'))
    for (const [n, page] of decks.entries()) await until(page, (k) => document.querySelector('svg.ms-active h1')?.textContent === `Heading ${k} v2`, n + 1)
    await until(presenter, () => document.body.textContent?.includes('Heading 1 v2') === true, undefined)
    await until(index, () => document.querySelector('[data-slug="deck-03"] h2')?.textContent?.trim() === 'Deck 3 v2', undefined)
  })

  it("shows one deck's error once on the index (a badge on its card, one overlay), never inside the thumbnails", async () => {
    const index = await open(dev.url)
    await dev.settled()
    await writeFile(path.join(root, 'slides', `${slug(7)}.md`), unbuildable('# Broken\n'))
    await until(index, () => document.querySelector('[data-slug="deck-07"] .marp-site-dev-badge')?.textContent === '1 error', undefined)
    await until(index, () => document.querySelectorAll('#marp-site-dev-overlay').length === 1, undefined)
    const inFrames = await index.evaluate(
      () =>
        [...document.querySelectorAll('iframe.ms-thumb')].filter((f) => (f as HTMLIFrameElement).contentDocument?.getElementById('marp-site-dev-overlay'))
          .length,
    )
    expect(inFrames).toBe(0)
    expect(await index.evaluate(() => document.querySelectorAll('.marp-site-dev-badge').length)).toBe(1)
    await writeFile(path.join(root, 'slides', `${slug(7)}.md`), deck(7, 'v1'))
    await until(index, () => document.getElementById('marp-site-dev-overlay') === null, undefined)
  })
})
