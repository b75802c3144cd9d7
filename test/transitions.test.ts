import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Page } from 'puppeteer-core'
import sirv from 'sirv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BuildResult } from '../src/build/options.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { buildProject, project } from './helpers/project.js'

const deck = (front: string, ...slides: string[]) => `---\n${front}\n---\n${slides.join('\n\n---\n\n')}`

let chromium: TestBrowser
let server: Server
let base: string
let result: BuildResult

beforeAll(async () => {
  chromium = await launchBrowser()
  const root = await project({
    'slides/fade.md': deck('transition: fade 2s', '# One', '# Two', '# Three'),
    'slides/plain.md': deck('title: Plain', '# One', '# Two'),
    'slides/custom.md': deck(
      'transition: mine 2s',
      '<style>\n@keyframes marp-incoming-transition-mine { from { transform: translateY(100%); } }\n@keyframes marp-outgoing-transition-mine { to { opacity: 0; } }\n</style>\n\n# One',
      '# Two',
    ),
    'slides/unknown.md': deck('transition: bogus 2s', '# One', '# Two'),
  })
  result = await buildProject(root)
  server = createServer(sirv(path.join(root, 'dist'), { dev: true }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await chromium?.close()
  await new Promise((resolve) => server?.close(resolve))
})

/**
 * Opens a deck page and records each view transition it starts: the CSS animations running when its
 * pseudo-elements are ready (name, and whether it plays reversed).
 */
async function open(url: string, reducedMotion = false): Promise<Page> {
  const page = await chromium.browser.newPage()
  await page.setViewport({ width: 1280, height: 720 })
  if (reducedMotion) await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }])
  await page.goto(`${base}/${url}`, { waitUntil: 'load' })
  await page.waitForSelector('svg.ms-active')
  await page.evaluate(() => {
    const w = window as unknown as { transitions: { animations: string[] }[] }
    w.transitions = []
    const start = document.startViewTransition?.bind(document)
    if (!start) return
    document.startViewTransition = ((update: () => void) => {
      const entry = { animations: [] as string[] }
      w.transitions.push(entry)
      const transition = start(update)
      void transition.ready.then(() => {
        entry.animations = document
          .getAnimations()
          .map((a) => `${(a as CSSAnimation).animationName}${a.effect?.getComputedTiming().direction === 'reverse' ? ' reversed' : ''}`)
      })
      return transition
    }) as typeof document.startViewTransition
  })
  return page
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { transitions: { animations: string[] }[] }).transitions)
const active = (page: Page) => page.$eval('svg.ms-active', (svg) => Number(svg.getAttribute('data-ms-slide')))

/** Waits until the page shows `slide` and the last recorded transition (if any) has its animations listed. */
async function settle(page: Page, slide: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const t = (window as unknown as { transitions: { animations: string[] }[] }).transitions
      const shown = Number(document.querySelector('svg.ms-active')?.getAttribute('data-ms-slide'))
      return shown === n && (t.length === 0 || (t.at(-1)?.animations.length ?? 0) > 0)
    },
    { timeout: 5000 },
    slide,
  )
}

describe('slide transitions in the audience view', () => {
  it('plays a fade with a view transition going forward, and the same one reversed going back', async () => {
    const page = await open('fade/index.html')
    await page.keyboard.press('ArrowRight')
    await settle(page, 2)
    let seen = await recorded(page)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.animations).toContain('ms-transition-fade-in')
    expect(seen[0]?.animations).toContain('ms-transition-fade-out')
    // The 2s of the directive.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--ms-transition-duration'))).toBe('2000ms')

    await page.keyboard.press('ArrowLeft')
    await settle(page, 1)
    seen = await recorded(page)
    expect(seen).toHaveLength(2)
    expect(seen[1]?.animations).toContain('ms-transition-fade-in reversed')
    await page.close()
  })

  it('changes the slide at once when the viewer prefers reduced motion', async () => {
    const page = await open('fade/index.html', true)
    await page.keyboard.press('ArrowRight')
    expect(await active(page)).toBe(2)
    expect(await recorded(page)).toEqual([])
    await page.close()
  })

  it('changes the slide at once in the presenter view', async () => {
    const page = await open('fade/index.html?view=presenter')
    await page.keyboard.press('ArrowRight')
    await page.waitForFunction(() => document.querySelector('.ms-p-current svg.ms-active')?.getAttribute('data-ms-slide') === '2')
    expect(await recorded(page)).toEqual([])
    await page.close()
  })

  it('changes the slide at once in a deck without transitions', async () => {
    const page = await open('plain/index.html')
    await page.keyboard.press('ArrowRight')
    expect(await active(page)).toBe(2)
    expect(await recorded(page)).toEqual([])
    await page.close()
  })

  it("plays a deck's own keyframes for a custom transition", async () => {
    const page = await open('custom/index.html')
    await page.keyboard.press('ArrowRight')
    await settle(page, 2)
    const seen = await recorded(page)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.animations).toEqual(expect.arrayContaining(['marp-incoming-transition-mine', 'marp-outgoing-transition-mine']))
    await page.close()
  })

  it('reports an unknown transition, and changes those slides at once', async () => {
    const problems = result.problems.filter((p) => p.file === 'slides/unknown.md')
    expect(problems.map((p) => [p.rule, p.line])).toEqual([['unknown-transition', 2]])
    const page = await open('unknown/index.html')
    await page.keyboard.press('ArrowRight')
    expect(await active(page)).toBe(2)
    expect(await recorded(page)).toEqual([])
    await page.close()
  })
})
