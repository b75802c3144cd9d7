import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevBuildEvent, type DevSession } from '../src/dev/dev.js'
import { checkPath, hostAllowed, originAllowed } from '../src/dev/guard.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { project, SLOW_DECK, unbuildable } from './helpers/project.js'

/** Sends a raw HTTP request (so the target reaches the server exactly as written) and returns the status and body. */
function raw(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      data += chunk
      // SSE responses never end: the head is enough.
      if (data.includes('text/event-stream')) socket.destroy()
    })
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.split('\r\n\r\n').slice(1).join('\r\n\r\n') }))
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy())
  })
}
const get = (port: number, target: string, headers: Record<string, string> = {}) =>
  raw(
    port,
    `GET ${target} HTTP/1.1\r\n${Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'close', ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`,
  )

/** Polls the page until `check` returns true; survives the page reloading in between. */
async function until(page: import('puppeteer-core').Page, check: () => boolean, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await page.evaluate(check).catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${check.toString()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const DECK = '---\ntitle: Live\n---\n# First slide\n\n---\n\n# Second slide v1\n'

let root: string
let dev: DevSession
let port: number
const builds: DevBuildEvent[] = []

beforeAll(async () => {
  root = await project({
    'slides/live.md': DECK,
    'slides/img.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    'themes/house.css': '/* @theme house */\n@import "marp-site";\nh1 { color: rgb(0, 0, 255); }\n',
    'marp-site.config.json': '{ "theme": "house" }',
    '.secret': 'top secret',
  })
  // A sibling folder whose name starts like the out dir's.
  await mkdir(path.join(root, 'dist-private'))
  await writeFile(path.join(root, 'dist-private', 'x.txt'), 'private')
  dev = await startDev({ root }, { port: 0, onBuild: (event) => builds.push(event) })
  port = dev.server.port
})

afterAll(async () => {
  await dev?.close()
})

describe('the dev server', () => {
  it('serves the built site on 127.0.0.1 with no caching and the live-reload script in pages', async () => {
    expect(dev.url).toBe(`http://127.0.0.1:${port}/`)
    const page = await get(port, '/live/index.html')
    expect(page.status).toBe(200)
    expect(page.body).toMatch(/<script src="\/__marp-site\/live\.js" data-build="\d+"><\/script><\/body>/)
    const head = await raw(port, `GET /live/img.svg HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`)
    expect(head.status).toBe(404) // img.svg is not referenced by the deck, so it is not in the site
    const css = await raw(port, `HEAD /index.html HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`)
    expect(css.status).toBe(200)
  })

  it.each([
    ['/../package.json', [400, 403, 404]],
    ['/%2e%2e/package.json', [403]],
    ['/%252e%252e/package.json', [403]],
    ['/..%2fpackage.json', [403]],
    ['/..%2Fdist-private/x.txt', [403]],
    ['/..\\package.json', [403]],
    ['/%5c..%5cpackage.json', [403]],
    ['//etc/passwd', [400]],
    ['/%00index.html', [403]],
    ['/index.html%00.txt', [403]],
    ['/%c0%ae%c0%ae/package.json', [400, 403]],
    ['/%E0%A4%A', [400]],
    ['/.git/config', [403]],
    ['/.secret', [403]],
    ['/../.secret', [400, 403]],
    ['/C:/Windows/win.ini', [403]],
    ['/\\\\host\\share', [403]],
    ['http://127.0.0.1/../package.json', [400]],
    ['/index.html#x', [400]],
    ['/slides/live.md', [404]],
    ['/../slides/live.md', [400, 403]],
    ['/../../../../etc/passwd', [400, 403]],
  ])('refuses %j', async (target, statuses) => {
    const res = await get(port, target)
    expect(statuses).toContain(res.status)
    expect(res.body).not.toMatch(/"name": "marp-site"|top secret|private|root:x:0:0/)
  })

  it('answers only to local Host names (DNS rebinding)', async () => {
    expect((await get(port, '/', { Host: 'evil.example' })).status).toBe(403)
    expect((await get(port, '/', { Host: `evil.example:${port}` })).status).toBe(403)
    expect((await get(port, '/', { Host: `localhost:${port}` })).status).toBe(200)
    expect((await raw(port, 'GET / HTTP/1.0\r\n\r\n')).status).toBe(403)
  })

  it('refuses the reload channel to a foreign Origin', async () => {
    expect((await get(port, '/__marp-site/events', { Origin: 'https://evil.example' })).status).toBe(403)
    expect((await get(port, '/__marp-site/events', { Origin: `http://127.0.0.1:${port}` })).status).toBe(200)
  })

  it('stays up after malformed and many-header requests', async () => {
    const headers = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('')
    await raw(port, `GET /__marp-site/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n${headers}\r\n`).catch(() => undefined)
    await raw(port, 'NONSENSE\r\n\r\n').catch(() => undefined)
    expect((await get(port, '/')).status).toBe(200)
  })
})

describe('live reload', () => {
  let chromium: TestBrowser
  beforeAll(async () => {
    chromium = await launchBrowser()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it('shows an edit in the open page and keeps its slide', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.goto(`${dev.url}live/index.html#2`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      await writeFile(path.join(root, 'slides/live.md'), DECK.replace('Second slide v1', 'Second slide v2'))
      await until(page, () => document.querySelector('svg.ms-active h1')?.textContent === 'Second slide v2')
      expect(await page.evaluate(() => location.hash)).toBe('#2')
    } finally {
      await page.close()
    }
  })

  it('updates the slides of an open deck in place, without reloading, on the same slide', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.goto(`${dev.url}live/index.html#2`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      await dev.settled()
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))
      await writeFile(path.join(root, 'slides/live.md'), DECK.replace('Second slide v1', 'Second slide, patched'))
      await until(page, () => document.querySelector('svg.ms-active h1')?.textContent === 'Second slide, patched')
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
      expect(await page.evaluate(() => [location.hash, document.querySelectorAll('svg.ms-active').length])).toEqual(['#2', 1])
      // The runtime still drives the patched slides.
      await page.keyboard.press('ArrowLeft')
      await until(page, () => document.querySelector('svg.ms-active h1')?.textContent === 'First slide')
    } finally {
      await page.close()
    }
  })

  it('reloads the page when the number of slides changes, and keeps the slide', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.goto(`${dev.url}live/index.html#2`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      await dev.settled()
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))
      await writeFile(path.join(root, 'slides/live.md'), `${DECK}\n---\n\n# Third slide\n`)
      await until(page, () => document.querySelectorAll('svg[data-marpit-svg]').length === 3 && document.querySelector('svg.ms-active') !== null)
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBeUndefined()
      expect(await page.$eval('svg.ms-active h1', (h) => h.textContent)).toBe('Second slide v1')
      await writeFile(path.join(root, 'slides/live.md'), DECK)
      await dev.settled()
      // Back to two slides: the page reloads again; closed once it has.
      await until(page, () => document.querySelectorAll('svg[data-marpit-svg]').length === 2 && document.querySelector('svg.ms-active') !== null)
    } finally {
      await page.close()
    }
  })

  it('catches up with a rebuild it missed while its reload channel was not connected yet', async () => {
    const page = await chromium.browser.newPage()
    let blocked = true
    try {
      // The page loads, but its reload channel cannot connect; meanwhile the deck changes.
      await page.setRequestInterception(true)
      page.on('request', (request) => {
        if (blocked && request.url().includes('/__marp-site/events')) void request.abort()
        else void request.continue()
      })
      await page.goto(`${dev.url}live/index.html#2`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      await dev.settled()
      await writeFile(path.join(root, 'slides/live.md'), DECK.replace('Second slide v1', 'Second slide, missed'))
      await dev.settled()
      await new Promise((r) => setTimeout(r, 300))
      expect(await page.$eval('svg.ms-active h1', (h) => h.textContent)).toBe('Second slide v1')
      // Once the channel connects, the page sees that a newer build exists and updates itself.
      blocked = false
      await until(page, () => document.querySelector('svg.ms-active h1')?.textContent === 'Second slide, missed', 20_000)
      expect(await page.evaluate(() => location.hash)).toBe('#2')
      await writeFile(path.join(root, 'slides/live.md'), DECK)
      await dev.settled()
    } finally {
      await page.close()
    }
  })

  it('measures overflow in the open deck page and shows it in the overlay until the slide fits', async () => {
    const page = await chromium.browser.newPage()
    const long = Array.from({ length: 30 }, (_, i) => `- Point ${i + 1}`).join('\n')
    try {
      await writeFile(path.join(root, 'slides/tall.md'), `# Fits\n\n---\n\n# Too tall\n\n${long}`)
      await new Promise((r) => setTimeout(r, 200))
      await dev.settled()
      await page.goto(`${dev.url}tall/index.html`, { waitUntil: 'load' })
      await until(page, () =>
        /slides\/tall\.md.*slide 2: content runs \d+ px past the bottom/.test(document.getElementById('marp-site-dev-overlay')?.textContent ?? ''),
      )
      // The measuring frame is gone, and the page still presents slide 1.
      expect(await page.evaluate(() => [document.querySelectorAll('iframe').length, document.querySelector('svg.ms-active h1')?.textContent])).toEqual([
        0,
        'Fits',
      ])
      await writeFile(path.join(root, 'slides/tall.md'), '# Fits\n\n---\n\n# Short now')
      await until(page, () => document.getElementById('marp-site-dev-overlay') === null && document.querySelectorAll('svg h1')[1]?.textContent === 'Short now')
      // Switched off in the deck's front-matter: not measured.
      await writeFile(path.join(root, 'slides/tall.md'), `---\nrules:\n  overflow: off\n---\n\n# Fits\n\n---\n\n# Too tall again\n\n${long}`)
      await until(page, () => document.querySelectorAll('svg h1')[1]?.textContent === 'Too tall again')
      await new Promise((r) => setTimeout(r, 500))
      expect(await page.evaluate(() => document.getElementById('marp-site-dev-overlay'))).toBeNull()
    } finally {
      await page.close()
      await rm(path.join(root, 'slides/tall.md'))
      await new Promise((r) => setTimeout(r, 200))
      await dev.settled()
    }
  })

  it('swaps the stylesheet without reloading on a theme-only change', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.goto(`${dev.url}live/index.html`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      await dev.settled()
      expect(await page.$eval('svg.ms-active h1', (h) => getComputedStyle(h).color)).toBe('rgb(0, 0, 255)')
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))
      await writeFile(path.join(root, 'themes/house.css'), '/* @theme house */\n@import "marp-site";\nh1 { color: rgb(255, 0, 0); }\n')
      await until(page, () => getComputedStyle(document.querySelector('svg.ms-active h1') as Element).color === 'rgb(255, 0, 0)')
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    } finally {
      await page.close()
    }
  })

  it('shows a broken deck as an overlay over the last good page, and clears it when fixed', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.goto(`${dev.url}live/index.html`, { waitUntil: 'load' })
      await page.waitForSelector('svg.ms-active')
      await dev.settled()
      await writeFile(path.join(root, 'slides/live.md'), unbuildable('# First slide\n'))
      await until(page, () => document.getElementById('marp-site-dev-overlay') !== null && document.querySelector('svg.ms-active h1') !== null)
      expect(await page.$eval('#marp-site-dev-overlay', (e) => e.textContent)).toContain('slides/live.md:2')
      expect(await page.$eval('svg.ms-active h1', (h) => h.textContent)).toBe('First slide')
      expect((await get(port, '/')).status).toBe(200)
      // The index shows the deck's problems as a badge on its card.
      const index = await chromium.browser.newPage()
      await index.goto(dev.url, { waitUntil: 'load' })
      await until(index, () => document.querySelector('[data-slug="live"] .marp-site-dev-badge')?.textContent === '1 error')
      await index.close()
      await writeFile(path.join(root, 'slides/live.md'), DECK)
      await until(page, () => document.getElementById('marp-site-dev-overlay') === null && document.readyState === 'complete')
    } finally {
      await page.close()
    }
  })

  describe('a broken theme or config while running', () => {
    it('shows the config error in the overlay and the terminal event, keeps serving, and clears it when fixed', async () => {
      const page = await chromium.browser.newPage()
      try {
        await dev.settled()
        await page.goto(`${dev.url}live/index.html`, { waitUntil: 'load' })
        await page.waitForSelector('svg.ms-active')
        await writeFile(path.join(root, 'marp-site.config.json'), '{ "theme": "house", "titel": "typo" }')
        await until(page, () => /marp-site\.config\.json[\s\S]*titel/.test(document.getElementById('marp-site-dev-overlay')?.textContent ?? ''))
        const failed = builds.at(-1)
        expect(failed?.ok === false && failed.error.code).toBe('CONFIG')
        expect((await get(port, '/live/index.html')).status).toBe(200)
        await writeFile(path.join(root, 'marp-site.config.json'), '{ "theme": "house" }')
        await until(page, () => document.getElementById('marp-site-dev-overlay') === null)
        expect(builds.at(-1)?.ok).toBe(true)
      } finally {
        await page.close()
      }
    })

    it('shows a theme that does not parse in the overlay of every page, and clears it when fixed', async () => {
      const page = await chromium.browser.newPage()
      const good = '/* @theme house */\n@import "marp-site";\nh1 { color: rgb(0, 0, 255); }\n'
      try {
        await writeFile(path.join(root, 'themes/house.css'), good)
        await dev.settled()
        await page.goto(`${dev.url}live/index.html`, { waitUntil: 'load' })
        await page.waitForSelector('svg.ms-active')
        await writeFile(path.join(root, 'themes/broken.css'), '/* @theme broken */\nsection { color: red;')
        await until(page, () => /themes\/broken\.css/.test(document.getElementById('marp-site-dev-overlay')?.textContent ?? ''))
        expect((await get(port, '/')).status).toBe(200)
        await rm(path.join(root, 'themes/broken.css'))
        await until(page, () => document.getElementById('marp-site-dev-overlay') === null)
      } finally {
        await page.close()
      }
    })
  })
})

describe('storms of saves', () => {
  it('coalesces 100 saves in a second into a few rebuilds, and the last save wins', async () => {
    await dev.settled()
    const before = builds.length
    for (let i = 0; i < 100; i += 1) {
      await writeFile(path.join(root, 'slides/live.md'), DECK.replace('Second slide v1', `Save ${i}`))
      await new Promise((r) => setTimeout(r, 10))
    }
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    const rebuilds = builds.length - before
    expect(rebuilds).toBeGreaterThan(0)
    expect(rebuilds).toBeLessThanOrEqual(10)
    expect((await get(port, '/live/index.html')).body).toContain('Save 99')
  })

  it('survives an atomic save (write a temp file, rename it over the deck)', async () => {
    const { rename } = await import('node:fs/promises')
    await writeFile(path.join(root, 'slides/live.md.tmp~'), DECK.replace('Second slide v1', 'Atomic save'))
    await rename(path.join(root, 'slides/live.md.tmp~'), path.join(root, 'slides/live.md'))
    await new Promise((r) => setTimeout(r, 300))
    await dev.settled()
    expect((await get(port, '/live/index.html')).body).toContain('Atomic save')
  })
})

describe('rebuilding in place', () => {
  /** Every file of the out dir, by site path. */
  const files = async () => ((await readdir(path.join(root, 'dist'), { recursive: true })) as string[]).map((f) => f.split(path.sep).join('/'))

  it('adds and removes a deck’s pages and leaves no file the site does not use', async () => {
    await dev.settled()
    await mkdir(path.join(root, 'slides/extra'), { recursive: true })
    await writeFile(path.join(root, 'slides/extra/new.md'), '# Brand new\n\n<style>h1 { color: rgb(1, 2, 3); }</style>')
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/extra/new/index.html')).body).toContain('Brand new')
    expect((await get(port, '/')).body).toContain('extra/new/index.html')
    const withNew = await files()
    expect(withNew.filter((f) => f.startsWith('_assets/css/')).length).toBeGreaterThan(1)

    // The folder is deleted, then made again with the deck in it: both states are built.
    await rm(path.join(root, 'slides/extra'), { recursive: true })
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/extra/new/index.html')).status).toBe(404)
    expect((await get(port, '/')).body).not.toContain('extra/new/index.html')
    const without = await files()
    expect(without.some((f) => f.startsWith('extra/'))).toBe(false)
    // Its stylesheet went with it; no temp file is left.
    expect(without.filter((f) => f.startsWith('_assets/css/')).length).toBe(withNew.filter((f) => f.startsWith('_assets/css/')).length - 1)
    expect(without.some((f) => f.includes('marp-site-tmp'))).toBe(false)

    await mkdir(path.join(root, 'slides/extra'), { recursive: true })
    await writeFile(path.join(root, 'slides/extra/new.md'), '# Back again')
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/extra/new/index.html')).body).toContain('Back again')
    // Every page and asset the manifest names is there.
    const manifest = JSON.parse((await get(port, '/manifest.json')).body) as { decks: { html: string }[] }
    const now = await files()
    for (const deck of manifest.decks) expect(now).toContain(deck.html)
    await rm(path.join(root, 'slides/extra'), { recursive: true })
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
  })
})

describe('a failing deck with a deck nested in its folder', () => {
  it('keeps the failing deck’s page in place, but not the nested deck deleted meanwhile', async () => {
    await dev.settled()
    await mkdir(path.join(root, 'slides/talks'), { recursive: true })
    await writeFile(path.join(root, 'slides/talks.md'), '# Talks')
    await writeFile(path.join(root, 'slides/talks/intro.md'), '# Intro')
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/talks/intro/index.html')).body).toContain('Intro')
    await writeFile(path.join(root, 'slides/talks.md'), unbuildable('# Talks'))
    await rm(path.join(root, 'slides/talks/intro.md'))
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/talks/index.html')).body).toContain('Talks')
    expect((await get(port, '/talks/intro/index.html')).status).toBe(404)
    await rm(path.join(root, 'slides/talks'), { recursive: true })
    await rm(path.join(root, 'slides/talks.md'))
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/talks/index.html')).status).toBe(404)
  })
})

describe('a deck stuck on a Marpit slow path', () => {
  it('is reported once it passes the time limit, and not rendered again on every rebuild until it changes', async () => {
    const other = await project({
      'slides/ok.md': '# Fine',
      'slides/slow.md': SLOW_DECK,
      'marp-site.config.json': '{ "renderTimeout": 1 }',
    })
    const events: DevBuildEvent[] = []
    const session = await startDev({ root: other }, { port: 0, onBuild: (event) => events.push(event) })
    const last = () => {
      const event = events.at(-1)
      if (!event?.ok) throw new Error(`no build: ${JSON.stringify(event)}`)
      return event.result
    }
    const stopped = (result: ReturnType<typeof last>) => result.problems.filter((p) => p.rule === 'render-error').map((p) => p.file)
    try {
      expect(stopped(last())).toEqual(['slides/slow.md'])
      await writeFile(path.join(other, 'slides/ok.md'), '# Fine, edited')
      await new Promise((r) => setTimeout(r, 200))
      await session.settled()
      // Only the edited deck rendered; the stuck one was reported again without another try.
      expect(last().rendered).toBe(1)
      expect(stopped(last())).toEqual(['slides/slow.md'])
      expect((await get(session.server.port, '/ok/index.html')).body).toContain('Fine, edited')
      await writeFile(path.join(other, 'slides/slow.md'), '# Fixed')
      await new Promise((r) => setTimeout(r, 200))
      await session.settled()
      expect(last().rendered).toBe(1)
      expect(stopped(last())).toEqual([])
      expect((await get(session.server.port, '/slow/index.html')).body).toContain('Fixed')
    } finally {
      await session.close()
    }
  })
})

describe('moving a deck', () => {
  it('into a subfolder: its page moves, the index follows, and it never drops out', async () => {
    const { rename } = await import('node:fs/promises')
    await dev.settled()
    await mkdir(path.join(root, 'slides/moved'), { recursive: true })
    await rename(path.join(root, 'slides/live.md'), path.join(root, 'slides/moved/live.md'))
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/moved/live/index.html')).body).toContain('First slide')
    expect((await get(port, '/live/index.html')).status).toBe(404)
    expect((await get(port, '/')).body).toContain('moved/live/index.html')
    await rename(path.join(root, 'slides/moved/live.md'), path.join(root, 'slides/live.md'))
    await new Promise((r) => setTimeout(r, 200))
    await dev.settled()
    expect((await get(port, '/live/index.html')).body).toContain('First slide')
  })
})

describe('ports and shutdown', () => {
  it('takes the next port when the default is busy, refuses a busy explicit port, and closes cleanly', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const busy = (blocker.address() as { port: number }).port
    const other = await project({ 'slides/a.md': '# A' })
    const explicit = startDev({ root: other }, { port: busy })
    await expect(explicit).rejects.toMatchObject({ code: 'USAGE', message: `Port ${busy} is in use; pass another --port` })
    blocker.close()
    const session = await startDev({ root: other }, { port: 0 })
    const { port: p } = session.server
    expect((await get(p, '/a/index.html')).status).toBe(200)
    await session.close()
    await expect(get(p, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})

describe('request guards', () => {
  it('know local hosts and same-origin requests', () => {
    expect(hostAllowed('127.0.0.1:8080', '127.0.0.1')).toBe(true)
    expect(hostAllowed('localhost', '127.0.0.1')).toBe(true)
    expect(hostAllowed('[::1]:8080', '127.0.0.1')).toBe(true)
    expect(hostAllowed('app.localhost:8080', '127.0.0.1')).toBe(true)
    expect(hostAllowed('192.168.1.5:8080', '0.0.0.0')).toBe(false)
    expect(hostAllowed('192.168.1.5:8080', '192.168.1.5')).toBe(true)
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false)
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', '127.0.0.1')).toBe(true)
    expect(originAllowed('http://localhost:8080', '127.0.0.1:8080', '127.0.0.1')).toBe(false)
    expect(originAllowed('null', '127.0.0.1:8080', '127.0.0.1')).toBe(false)
    expect(checkPath('/a/b%20c.html')).toEqual({ ok: true, path: '/a/b c.html' })
  })
})
