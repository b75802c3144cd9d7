import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import sirv from 'sirv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { buildProject, project } from './helpers/project.js'

const TALK = [
  '---',
  'title: Runtime test',
  'paginate: true',
  '---',
  '# One',
  '',
  '<!-- Note for slide one -->',
  '',
  '---',
  '',
  '# Two',
  '',
  'A [link to the web](https://example.com/) on slide two.',
  '',
  '<!-- Note for slide two: mention the link -->',
  '',
  '---',
  '',
  '# Three',
  '',
  '* first fragment',
  '* second fragment',
  '',
  '---',
  '',
  '# Four',
  '',
  '---',
  '',
  '# Five',
].join('\n')

let chromium: TestBrowser
let outDir: string
let server: Server
let httpBase: string
const errors: string[] = []

beforeAll(async () => {
  chromium = await launchBrowser()
  const long = Array.from({ length: 300 }, (_, i) => `# Slide ${i + 1}`).join('\n\n---\n\n')
  const root = await project({ 'slides/talk.md': TALK, 'slides/single.md': '# Only one', 'slides/long.md': long })
  await buildProject(root)
  outDir = path.join(root, 'dist')
  server = createServer(sirv(outDir, { dev: true }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await chromium?.close()
  await new Promise((resolve) => server?.close(resolve))
})

function fileUrl(sitePath: string): string {
  return pathToFileURL(path.join(outDir, ...sitePath.split('/'))).href
}

async function open(url: string, viewport = { width: 1280, height: 720 }): Promise<Page> {
  const page = await chromium.browser.newPage()
  await page.setViewport(viewport)
  page.on('console', (m) => m.type() === 'error' && errors.push(`${url}: ${m.text()}`))
  page.on('pageerror', (e) => errors.push(`${url}: ${String(e)}`))
  await page.goto(url, { waitUntil: 'load' })
  await page.waitForSelector('svg.ms-active')
  return page
}

const active = (page: Page) => page.$eval('svg.ms-active', (svg) => Number(svg.getAttribute('data-ms-slide')))
const hash = (page: Page) => page.evaluate(() => location.hash)
const press = async (page: Page, ...keys: string[]) => {
  for (const key of keys) await page.keyboard.press(key as never)
}

describe('audience view', () => {
  it('shows one slide at a time, scaled into the window with letterboxing', async () => {
    const page = await open(fileUrl('talk/index.html'), { width: 1000, height: 800 })
    try {
      const shown = await page.$$eval('div.marpit > svg', (svgs) => svgs.map((s) => getComputedStyle(s).display !== 'none'))
      expect(shown).toEqual([true, false, false, false, false])
      const box = await page.$eval('svg.ms-active section', (s) => {
        const r = s.getBoundingClientRect()
        return { width: Math.round(r.width), height: Math.round(r.height), top: Math.round(r.top) }
      })
      // 1280×720 fitted into 1000×800: full width, bars above and below.
      expect(box.width).toBe(1000)
      expect(box.height).toBe(563)
      expect(box.top).toBe(119)
    } finally {
      await page.close()
    }
  })

  it('moves with the keyboard and keeps the hash in step', async () => {
    const page = await open(fileUrl('talk/index.html'))
    try {
      const steps: [string, number][] = [
        ['ArrowRight', 2],
        ['ArrowDown', 3],
        ['ArrowLeft', 2],
        ['PageDown', 3],
        ['PageUp', 2],
        ['Space', 3],
        ['ArrowUp', 2],
        ['Enter', 3],
        ['Backspace', 2],
        ['End', 5],
        ['Home', 1],
      ]
      for (const [key, expected] of steps) {
        await press(page, key)
        // Slide three has two fragments: forward keys reveal them before moving on.
        if (key !== 'Home' && key !== 'End' && (await active(page)) === 3 && expected === 3) {
          expect(await hash(page)).toBe('#3')
        }
        expect(await active(page), `after ${key}`).toBe(expected)
        expect(await hash(page)).toBe(`#${expected}`)
      }
    } finally {
      await page.close()
    }
  })

  it('reveals fragments one at a time, and shows them all when coming back', async () => {
    const page = await open(`${fileUrl('talk/index.html')}#3`)
    try {
      const visible = () => page.$$eval('svg.ms-active li', (lis) => lis.map((li) => getComputedStyle(li).visibility))
      expect(await visible()).toEqual(['hidden', 'hidden'])
      await press(page, 'ArrowRight')
      expect(await visible()).toEqual(['visible', 'hidden'])
      await press(page, 'ArrowRight')
      expect(await visible()).toEqual(['visible', 'visible'])
      await press(page, 'ArrowRight')
      expect(await active(page)).toBe(4)
      await press(page, 'ArrowLeft')
      expect(await active(page)).toBe(3)
      expect(await visible()).toEqual(['visible', 'visible'])
    } finally {
      await page.close()
    }
  })

  it('jumps to a number typed and confirmed with Enter', async () => {
    const page = await open(fileUrl('long/index.html'))
    try {
      await press(page, '2', '4', '7', 'Enter')
      expect(await active(page)).toBe(247)
      expect(await hash(page)).toBe('#247')
      await press(page, 'End')
      expect(await active(page)).toBe(300)
    } finally {
      await page.close()
    }
  })

  it('goes forward on a click on the right half and back on the left half; links keep their click', async () => {
    const page = await open(fileUrl('talk/index.html'))
    try {
      await page.mouse.click(1000, 360)
      expect(await active(page)).toBe(2)
      await page.mouse.click(1000, 360)
      expect(await active(page)).toBe(3)
      await page.mouse.click(200, 360)
      expect(await active(page)).toBe(2)
      // A click on the link on slide two does not change the slide.
      const link = await page.$('svg.ms-active a')
      await page.evaluate((a) => a?.addEventListener('click', (e) => e.preventDefault()), link)
      await link?.click()
      expect(await active(page)).toBe(2)
    } finally {
      await page.close()
    }
  })

  it('follows swipes on a touch screen', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.setViewport({ width: 800, height: 450, hasTouch: true, isMobile: true })
      await page.goto(fileUrl('talk/index.html'), { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      const swipe = async (from: number, to: number) => {
        await page.touchscreen.touchStart(from, 200)
        await page.touchscreen.touchMove((from + to) / 2, 205)
        await page.touchscreen.touchMove(to, 210)
        await page.touchscreen.touchEnd()
      }
      await swipe(600, 200)
      expect(await active(page)).toBe(2)
      await swipe(600, 200)
      expect(await active(page)).toBe(3)
      await swipe(200, 600)
      expect(await active(page)).toBe(2)
    } finally {
      await page.close()
    }
  })

  it('opens the slide in the hash, keeps it on reload, clamps out-of-range hashes, and follows Back', async () => {
    const page = await open(`${fileUrl('talk/index.html')}#4`)
    try {
      expect(await active(page)).toBe(4)
      await page.reload({ waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      expect(await active(page)).toBe(4)
      await press(page, 'Home', 'ArrowRight', 'ArrowRight')
      expect(await active(page)).toBe(3)
      await page.goBack()
      expect(await active(page)).toBe(2)
      await page.goForward()
      expect(await active(page)).toBe(3)
      await page.goto(`${fileUrl('talk/index.html')}#99`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      expect(await active(page)).toBe(5)
      expect(await hash(page)).toBe('#5')
      await page.evaluate(() => {
        location.hash = '#0'
      })
      await page.waitForFunction(() => location.hash === '#1')
      expect(await active(page)).toBe(1)
    } finally {
      await page.close()
    }
  })

  it('shows progress and the slide number, and announces the slide to screen readers', async () => {
    const page = await open(`${fileUrl('talk/index.html')}#2`)
    try {
      expect(await page.$eval('.ms-status', (e) => e.textContent)).toBe('2 / 5')
      expect(await page.$eval('.ms-live', (e) => [e.getAttribute('aria-live'), e.textContent])).toEqual(['polite', 'Slide 2 of 5'])
      expect(await page.$eval('.ms-progress-bar', (e) => (e as HTMLElement).style.width)).toBe('40%')
      const hidden = await page.$$eval('div.marpit > svg', (svgs) => svgs.map((s) => s.getAttribute('aria-hidden')))
      expect(hidden).toEqual(['true', null, 'true', 'true', 'true'])
      const unlabelled = await page.$$eval('.ms-controls button', (bs) => bs.filter((b) => !b.getAttribute('aria-label')).length)
      expect(unlabelled).toBe(0)
      expect(await page.$eval('.ms-controls a.ms-home', (a) => a.getAttribute('href'))).toBe('../index.html')
    } finally {
      await page.close()
    }
  })

  it('shows the controls on mouse move and hides them and the cursor when idle', async () => {
    const page = await open(fileUrl('talk/index.html'))
    try {
      await page.mouse.move(600, 300)
      expect(await page.evaluate(() => document.body.classList.contains('ms-idle'))).toBe(false)
      await page.waitForFunction(() => document.body.classList.contains('ms-idle'), { timeout: 5000 })
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.ms-controls') as Element).opacity === '0', { timeout: 2000 })
      expect(await page.evaluate(() => getComputedStyle(document.body).cursor)).toBe('none')
    } finally {
      await page.close()
    }
  })

  it('opens the overview with o, moves with the arrows, jumps with Enter, closes with Esc, and jumps on a click', async () => {
    const page = await open(`${fileUrl('talk/index.html')}#2`)
    try {
      await press(page, 'o')
      expect(await page.evaluate(() => document.body.classList.contains('ms-overview'))).toBe(true)
      const shown = await page.$$eval('div.marpit > svg', (svgs) => svgs.filter((s) => getComputedStyle(s).display !== 'none').length)
      expect(shown).toBe(5)
      await press(page, 'ArrowRight', 'ArrowRight', 'Enter')
      expect(await page.evaluate(() => document.body.classList.contains('ms-overview'))).toBe(false)
      expect(await active(page)).toBe(4)
      await press(page, 'o', 'Escape')
      expect(await page.evaluate(() => document.body.classList.contains('ms-overview'))).toBe(false)
      expect(await active(page)).toBe(4)
      await press(page, 'o')
      const first = await page.$('div.marpit > svg[data-ms-slide="1"]')
      await first?.click()
      expect(await active(page)).toBe(1)
      expect(await page.evaluate(() => document.body.classList.contains('ms-overview'))).toBe(false)
    } finally {
      await page.close()
    }
  })

  it('shows the keys with ? and closes the help with Escape', async () => {
    const page = await open(fileUrl('talk/index.html'))
    try {
      await press(page, '?')
      expect(await page.$eval('.ms-help', (e) => (e as HTMLElement).hidden)).toBe(false)
      expect(await page.$eval('.ms-help', (e) => e.textContent)).toContain('presenter view')
      await press(page, 'ArrowRight')
      expect(await active(page)).toBe(1)
      await press(page, 'Escape')
      expect(await page.$eval('.ms-help', (e) => (e as HTMLElement).hidden)).toBe(true)
    } finally {
      await page.close()
    }
  })

  it('toggles fullscreen with f', async () => {
    const page = await open(fileUrl('talk/index.html'))
    try {
      await press(page, 'f')
      await page.waitForFunction(() => document.fullscreenElement === document.documentElement, { timeout: 5000 })
      await press(page, 'f')
      await page.waitForFunction(() => document.fullscreenElement === null, { timeout: 5000 })
      expect(await active(page)).toBe(1)
    } finally {
      await page.close()
    }
  })

  it('never shows speaker notes in the audience view', async () => {
    const page = await open(fileUrl('talk/index.html'))
    try {
      // innerText, not textContent: what the audience sees, hidden elements left out.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
      const text = await page.evaluate(() => document.body.innerText)
      expect(text).not.toContain('Note for slide one')
    } finally {
      await page.close()
    }
  })

  it('handles a deck of one slide', async () => {
    const page = await open(fileUrl('single/index.html'))
    try {
      await press(page, 'ArrowRight', 'End', 'ArrowLeft')
      expect(await active(page)).toBe(1)
      expect(await page.$eval('.ms-status', (e) => e.textContent)).toBe('1 / 1')
    } finally {
      await page.close()
    }
  })
})

describe('presenter view', () => {
  it('shows the current slide, the next one and its notes, and follows the audience window both ways', async () => {
    const audience = await open(`${fileUrl('talk/index.html')}#2`)
    const presenter = await open(`${fileUrl('talk/index.html')}?view=presenter#2`)
    try {
      expect(await active(presenter)).toBe(2)
      expect(await presenter.$eval('.ms-p-notes-text', (e) => e.textContent)).toBe('Note for slide two: mention the link')
      expect(await presenter.$eval('.ms-p-next h1', (e) => e.textContent)).toBe('Three')
      expect(await presenter.$eval('.ms-p-elapsed', (e) => e.textContent)).toMatch(/^0:0\d$/)
      expect(await presenter.$eval('.ms-p-clock', (e) => e.textContent)).toMatch(/^\d\d:\d\d$/)

      await press(audience, 'ArrowRight')
      await presenter.waitForFunction(() => document.querySelector('svg.ms-active')?.getAttribute('data-ms-slide') === '3')
      expect(await presenter.$eval('.ms-p-notes-text', (e) => e.textContent)).toBe('')
      // The next pane shows what the audience will see next: slide three with its first fragment.
      expect(await presenter.$$eval('.ms-p-next li', (lis) => lis.map((li) => getComputedStyle(li).visibility))).toEqual(['visible', 'hidden'])

      await press(presenter, 'Home')
      await audience.waitForFunction(() => document.querySelector('svg.ms-active')?.getAttribute('data-ms-slide') === '1')
      expect(await hash(audience)).toBe('#1')
      await presenter.click('.ms-p-header .ms-next')
      await audience.waitForFunction(() => location.hash === '#2')
    } finally {
      await audience.close()
      await presenter.close()
    }
  })

  it('pauses and resets the timer', async () => {
    const presenter = await open(`${fileUrl('talk/index.html')}?view=presenter`)
    try {
      await presenter.click('.ms-p-pause')
      expect(await presenter.$eval('.ms-p-pause', (b) => b.getAttribute('aria-label'))).toBe('Resume timer')
      const frozen = await presenter.$eval('.ms-p-elapsed', (e) => e.textContent)
      await new Promise((r) => setTimeout(r, 1200))
      expect(await presenter.$eval('.ms-p-elapsed', (e) => e.textContent)).toBe(frozen)
      // A reload (a live-reload in dev) keeps the paused clock.
      await presenter.reload({ waitUntil: 'load' })
      await presenter.waitForSelector('.ms-p-pause')
      expect(await presenter.$eval('.ms-p-pause', (b) => b.getAttribute('aria-label'))).toBe('Resume timer')
      expect(await presenter.$eval('.ms-p-elapsed', (e) => e.textContent)).toBe(frozen)
      await presenter.click('.ms-p-reset')
      expect(await presenter.$eval('.ms-p-elapsed', (e) => e.textContent)).toBe('0:00')
    } finally {
      await presenter.close()
    }
  })

  it('opens from the audience view with p', async () => {
    const audience = await open(`${fileUrl('talk/index.html')}#3`)
    try {
      const opened = new Promise<string>((resolve) => chromium.browser.once('targetcreated', (t) => resolve(t.url())))
      await press(audience, 'p')
      expect(await opened).toMatch(/talk\/index\.html\?view=presenter#3$/)
      for (const p of await chromium.browser.pages()) if (p.url().includes('view=presenter')) await p.close()
    } finally {
      await audience.close()
    }
  })
})

describe('from a static host', () => {
  it('presents over http as from file://', async () => {
    const page = await open(`${httpBase}/talk/index.html#2`)
    try {
      await press(page, 'ArrowRight')
      expect(await active(page)).toBe(3)
      await page.click('.ms-controls a.ms-home')
      await page.waitForFunction(() => location.pathname === '/index.html')
      expect(await page.$$eval('.ms-card', (cards) => cards.length)).toBe(3)
    } finally {
      await page.close()
    }
  })
})

it('logs no console errors on any page above', () => {
  expect(errors).toEqual([])
})
