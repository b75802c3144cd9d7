import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import sirv from 'sirv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, privateTmpdir, type TestBrowser } from './helpers/browser.js'
import { buildProject, project } from './helpers/project.js'

privateTmpdir()

const deck = (front: Record<string, string>, slides: string[]) =>
  ['---', ...Object.entries(front).map(([k, v]) => `${k}: ${v}`), '---', '', slides.join('\n\n---\n\n')].join('\n')

const FILES = {
  'marp-site.config.json': JSON.stringify({ sections: [{ folder: 'ops', title: 'Operations' }] }),
  'slides/ops/post-mortem.md': deck({ title: 'Post-mortem', tags: '[process, ops]', date: '2024-03-01', author: 'Ada' }, [
    '# Timeline\n\nThe outage began at noon.',
    '# Causes\n\nA bad config push.',
    '# Plan\n\nThe quokkaplan we will follow next time.',
    '# Actions\n\n<!-- the speaker mentions the wombatnote here -->',
  ]),
  'slides/ops/deploys.md': deck({ title: 'Deploys', tags: '[ops]', date: '2023-05-01' }, ['# Deploys\n\nBlue and green.']),
  'slides/intl.md': deck({ title: 'International', tags: '[process]' }, ['# 日本語\n\n本番障害の振り返りをします。', '# Français\n\nMon Résumé en bref.']),
  'slides/other.md': deck({ title: 'Other' }, ['# Nothing to see']),
}

let chromium: TestBrowser
let outDir: string
let server: Server
let httpBase: string
const requested: string[] = []
const errors: string[] = []

beforeAll(async () => {
  const root = await project(FILES)
  const [browser] = await Promise.all([launchBrowser(), buildProject(root)])
  chromium = browser
  outDir = path.join(root, 'dist')
  const serve = sirv(outDir, { dev: true })
  server = createServer((req, res) => {
    requested.push(req.url ?? '')
    serve(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await chromium?.close()
  await new Promise((resolve) => server?.close(resolve))
})

const SCHEMES = [
  ['file://', (sitePath: string) => pathToFileURL(path.join(outDir, ...sitePath.split('/'))).href],
  ['http', (sitePath: string) => `${httpBase}/${sitePath}`],
] as const

/** The page of this scheme's tests (one tab each: opening tabs is most of a browser test's time). */
let tab: Page | undefined

async function open(url: string): Promise<Page> {
  if (!tab) {
    tab = await chromium.browser.newPage()
    tab.on('console', (m) => m.type() === 'error' && errors.push(`${tab?.url()}: ${m.text()}`))
    tab.on('pageerror', (e) => errors.push(`${tab?.url()}: ${String(e)}`))
  }
  await tab.goto(url, { waitUntil: 'domcontentloaded' })
  return tab
}

/**
 * Puts a query in the index's search box (typed, with `typed`: `/` first, then key by key) and waits
 * for the count to say something other than loading.
 */
async function search(page: Page, query: string, typed = false): Promise<{ count: string; hits: { href: string; text: string; marks: string[] }[] }> {
  if (typed) {
    await page.keyboard.press('/')
    await page.keyboard.type(query)
  } else {
    await page.$eval(
      '#ms-q',
      (el, q) => {
        const input = el as HTMLInputElement
        input.value = q
        input.dispatchEvent(new Event('input'))
      },
      query,
    )
  }
  await page.waitForFunction(() => {
    const text = document.getElementById('ms-count')?.textContent ?? ''
    return text !== '' && !text.startsWith('Loading')
  })
  return page.evaluate(() => ({
    count: document.getElementById('ms-count')?.textContent ?? '',
    hits: [...document.querySelectorAll<HTMLAnchorElement>('#ms-results-list a')].map((a) => ({
      href: a.getAttribute('href') ?? '',
      text: a.textContent ?? '',
      marks: [...a.querySelectorAll('mark')].map((m) => m.textContent ?? ''),
    })),
  }))
}

const visibleCards = (page: Page) =>
  page.$$eval('li.ms-card', (cards) => cards.filter((c) => (c as HTMLElement).offsetParent !== null).map((c) => c.getAttribute('data-slug')))

describe.each(SCHEMES)('search and browse over %s', (_scheme, url) => {
  afterAll(async () => {
    await tab?.close()
    tab = undefined
  })

  it('does not load the search engine or data for the first paint, only when the box is used', async () => {
    const before = requested.length
    const page = await open(url('index.html'))
    await page.waitForFunction(() => document.readyState === 'complete')
    await new Promise((resolve) => setTimeout(resolve, 200))
    const loaded = () => page.evaluate(() => [...document.scripts].map((s) => s.getAttribute('src') ?? '').filter((s) => s.includes('search')))
    expect(await loaded()).toEqual([])
    if (_scheme === 'http') expect(requested.slice(before).filter((r) => r.includes('search'))).toEqual([])
    await page.focus('#ms-q')
    await page.waitForFunction(() => '__marpSiteSearchData' in self)
    expect((await loaded()).length).toBe(2)
  })

  it('finds the word that is only on slide 3 of one deck, and its link opens slide 3', async () => {
    const page = await open(url('index.html'))
    const { count, hits } = await search(page, 'quokkaplan', true)
    expect(count).toBe('1 slide in 1 deck')
    expect(hits).toHaveLength(1)
    expect(hits[0]?.href).toBe('ops/post-mortem/index.html#3')
    expect(hits[0]?.text).toContain('Post-mortem · slide 3')
    expect(hits[0]?.marks).toEqual(['quokkaplan'])
    expect(await page.$eval('#ms-results-list', (el) => el.getAttribute('aria-labelledby'))).toBe('ms-results-title')
    // Keyboard: down to the result, Enter follows it.
    await page.keyboard.press('ArrowDown')
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
    await page.waitForSelector('svg.ms-active')
    expect(await page.$eval('svg.ms-active', (svg) => svg.getAttribute('data-ms-slide'))).toBe('3')
  })

  it('finds a CJK word inside a sentence, an accented word typed without accents, and a public note', async () => {
    const page = await open(url('index.html'))
    expect((await search(page, '障害')).hits.map((h) => h.href)).toEqual(['intl/index.html#1'])
    const accented = await search(page, 'resume')
    expect(accented.hits.map((h) => h.href)).toEqual(['intl/index.html#2'])
    expect(accented.hits[0]?.marks).toEqual(['Résumé'])
    expect((await search(page, 'wombatnote')).hits.map((h) => h.href)).toEqual(['ops/post-mortem/index.html#4'])
  })

  it('filters by tag: only its decks, kept in the URL through a reload, undone by Back', async () => {
    const page = await open(url('index.html'))
    expect(await page.$$eval('.ms-section-title', (hs) => hs.map((h) => h.textContent))).toEqual(['Operations'])
    expect(await visibleCards(page)).toHaveLength(4)
    await page.click('.ms-tagbar a[data-tag="process"]')
    const only = ['intl', 'ops/post-mortem']
    expect((await visibleCards(page)).sort()).toEqual(only)
    expect(new URL(page.url()).search).toBe('?tag=process')
    await page.reload({ waitUntil: 'domcontentloaded' })
    expect((await visibleCards(page)).sort()).toEqual(only)
    expect(await page.$eval('#ms-count', (el) => el.textContent)).toBe('2 of 4 decks')
    await page.goBack()
    await page.waitForFunction(() => location.search === '')
    expect(await visibleCards(page)).toHaveLength(4)
    // Tag and words together, as a shared link has them.
    await open(`${url('index.html')}?tag=ops&q=blue`)
    await page.waitForFunction(() => document.querySelectorAll('#ms-results-list a').length > 0)
    expect(await page.$$eval('#ms-results-list a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['ops/deploys/index.html#1'])
  })

  it('sorts by title on request', async () => {
    const page = await open(`${url('index.html')}?sort=title`)
    expect(await page.$$eval('.ms-section[data-folder=""] li.ms-card', (cs) => cs.map((c) => c.getAttribute('data-slug')))).toEqual(['intl', 'other'])
    expect(await page.$$eval('.ms-section[data-folder="ops"] li.ms-card', (cs) => cs.map((c) => c.getAttribute('data-slug')))).toEqual([
      'ops/deploys',
      'ops/post-mortem',
    ])
  })

  it('jumps to the matching slide from the search inside a deck (/)', async () => {
    const page = await open(url('ops/post-mortem/index.html'))
    await page.waitForSelector('svg.ms-active')
    await page.keyboard.press('/')
    await page.keyboard.type('quokka')
    await page.waitForFunction(() => document.querySelectorAll('#ms-ds-list button').length === 1)
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.querySelector('svg.ms-active')?.getAttribute('data-ms-slide') === '3')
    expect(new URL(page.url()).hash).toBe('#3')
    expect(await page.$eval('.ms-ds', (el) => (el as HTMLElement).hidden)).toBe(true)
  })
})

afterAll(() => {
  expect(errors).toEqual([])
})
