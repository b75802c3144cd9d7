/**
 * Local background images: the `backgroundImage` directive (front-matter, a comment, the `_` spot form)
 * and `![bg](…)` images, from inside and outside the slides dir. Each is copied into the site, its URL
 * in the page leads to that copy (in the page, the PDF, a single-file page and dev's in-place rebuilds),
 * and a missing one is reported at its line.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { type DefaultTreeAdapterMap, parse } from 'parse5'
import sirv from 'sirv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevBuildEvent } from '../src/dev/dev.js'
import { launchBrowser, privateTmpdir, type TestBrowser } from './helpers/browser.js'
import { readPdf } from './helpers/pdf.js'
import { buildProject, exists, project, readOut } from './helpers/project.js'

privateTmpdir()

/** A real PNG of the given size (solid grey), so that a browser can decode it and tell its size. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(data.length + 12)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc32(body), data.length + 8)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bits per channel
  header[9] = 2 // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x80)])
  const pixels = Buffer.concat(Array.from({ length: height }, () => row))
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))])
}

/**
 * Each image's size tells which file a page shows. Each has the shape of the box it fills (the slide,
 * the 40% of a split background, half the slide for two backgrounds), so that the PDF keeps it whole.
 */
const IMAGES = {
  'common/bg.png': png(32, 18),
  'slides/local.png': png(48, 27),
  'slides/spot image.png': png(64, 36),
  'slides/course/week.png': png(80, 45),
  'outside/left.png': png(32, 45),
  'outside/a.png': png(32, 36),
  'slides/inside.png': png(40, 45),
} as const
type Image = keyof typeof IMAGES
const size = (file: Image) => `${IMAGES[file].readUInt32BE(16)}x${IMAGES[file].readUInt32BE(20)}`

const LECTURE = [
  '---', // 1
  'title: Lecture', // 2
  "backgroundImage: url('../common/bg.png')", // 3
  '---', // 4
  '',
  '# One', // 6
  '',
  '---',
  '',
  '# Two', // 10
  '',
  '---',
  '',
  '<!-- backgroundImage: url(local.png) -->', // 14
  '',
  '# Three',
  '',
  '---',
  '',
  '<!-- _backgroundImage: url("spot image.png") -->', // 20
  '',
  '# Four',
  '',
  '---',
  '',
  '# Five',
].join('\n')

const SPLIT = [
  '# Split',
  '',
  '![bg left:40%](../outside/left.png)',
  '',
  '---',
  '',
  '![bg](../outside/a.png)',
  '![bg](inside.png)',
  '',
  '# Two backgrounds',
].join('\n')

/** The files each slide of a deck shows as its background(s), in order. */
const EXPECTED: Record<string, Image[][]> = {
  lecture: [['common/bg.png'], ['common/bg.png'], ['slides/local.png'], ['slides/spot image.png'], ['slides/local.png']],
  // In a nested deck, the directive in a comment on the first slide and an inline comment on the second.
  'course/week1': [['common/bg.png'], ['slides/course/week.png']],
  split: [['outside/left.png'], ['outside/a.png', 'slides/inside.png']],
}

function files(): Record<string, string | Uint8Array> {
  return {
    ...IMAGES,
    'slides/lecture.md': LECTURE,
    'slides/course/week1.md':
      '<!-- backgroundImage: url(../../common/bg.png) -->\n\n# Week 1\n\n---\n\n# Week 1, part 2 <!-- _backgroundImage: url(week.png) -->\n',
    'slides/split.md': SPLIT,
  }
}

type Element = DefaultTreeAdapterMap['element']
type ParentNode = DefaultTreeAdapterMap['parentNode']

function elements(node: ParentNode): Element[] {
  const out: Element[] = []
  for (const child of node.childNodes) {
    if ('tagName' in child) out.push(child, ...elements(child))
  }
  return out
}

const attribute = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value

/**
 * The background URLs of each slide of a page, as the browser reads them: the `background-image`
 * declarations of the style attributes in each `<svg data-marpit-svg>` (Marpit puts the directive on
 * the section and `![bg]` images on figures of an advanced background).
 */
function slideBackgrounds(html: string): string[][] {
  const slides = elements(parse(html)).filter((e) => e.tagName === 'svg' && attribute(e, 'data-marpit-svg') !== undefined)
  return slides.map((svg) => {
    const urls: string[] = []
    // The directive is repeated on the pseudo section of an advanced background: each URL counted once.
    const pseudo = (e: Element) => attribute(e, 'data-marpit-advanced-background') === 'pseudo'
    for (const element of elements(svg).filter((e) => !pseudo(e))) {
      const style = attribute(element, 'style') ?? ''
      // Declarations end at a `;` outside parentheses (a data: URL has one inside).
      for (const match of style.matchAll(/(?:^|;)\s*background-image\s*:((?:[^;(]|\([^)]*\))*)/gi)) {
        for (const url of (match[1] ?? '').matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) if (!urls.includes(url[2] ?? '')) urls.push(url[2] ?? '')
      }
    }
    return urls
  })
}

/** The file of the site a URL in the page at `pagePath` leads to, or undefined when it leaves the site. */
function siteFile(url: string, pagePath: string): string | undefined {
  const base = new URL(`http://site.invalid/${pagePath}`)
  const resolved = new URL(url, base)
  if (resolved.origin !== base.origin) return undefined
  return decodeURIComponent(resolved.pathname.slice(1))
}

async function expectBackgroundsInSite(root: string, pages: Record<string, Image[][]> = EXPECTED): Promise<void> {
  for (const [slug, expected] of Object.entries(pages)) {
    const pagePath = `${slug}/index.html`
    const backgrounds = slideBackgrounds(await readOut(root, pagePath))
    expect(
      backgrounds.map((urls) => urls.length),
      slug,
    ).toEqual(expected.map((sources) => sources.length))
    for (const [i, urls] of backgrounds.entries()) {
      for (const [j, url] of urls.entries()) {
        const file = siteFile(url, pagePath)
        const source = expected[i]?.[j] ?? 'none'
        expect(file, `${slug} slide ${i + 1}: ${url}`).toBeDefined()
        const inDist = path.join(root, 'dist', ...(file ?? '').split('/'))
        expect(await exists(inDist), `${slug} slide ${i + 1}: ${url} → ${file}`).toBe(true)
        expect(await readFile(inDist), `${slug} slide ${i + 1}: ${url} is ${source}`).toEqual(await readFile(path.join(root, ...source.split('/'))))
      }
    }
  }
}

describe('local background images', () => {
  // One HTML build of the fixture decks, read from disk and loaded in Chromium.
  let root: string
  let problems: readonly unknown[]
  beforeAll(async () => {
    root = await project(files())
    problems = (await buildProject(root)).problems
  })

  it('are copied into the site, and each slide background URL leads to its copy (directive and ![bg], inside and outside the slides dir)', async () => {
    expect(problems).toEqual([])
    await expectBackgroundsInSite(root)
  })

  describe('in a real browser', () => {
    const served = new Map<string, number>()
    let server: ReturnType<typeof createServer>
    let chromium: TestBrowser
    beforeAll(async () => {
      const serve = sirv(path.join(root, 'dist'), { dev: true })
      server = createServer((req, res) => {
        res.on('finish', () => served.set(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname), res.statusCode))
        serve(req, res, () => {
          res.statusCode = 404
          res.end()
        })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      chromium = await launchBrowser()
    })
    afterAll(async () => {
      await chromium?.close()
      server?.closeAllConnections()
      await new Promise((resolve) => server?.close(resolve))
    })

    it('load from a 127.0.0.1 server: every slide background is requested, served and decoded', async () => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const page = await chromium.browser.newPage()
      try {
        for (const [slug, expected] of Object.entries(EXPECTED)) {
          await page.goto(`${base}${slug}/index.html`, { waitUntil: 'load' })
          // The computed background of every section and figure of every slide, each image decoded.
          const shown = await page.evaluate(async () => {
            const svgs = [...document.querySelectorAll('svg[data-marpit-svg]')]
            return Promise.all(
              svgs.map(async (svg) => {
                const urls: string[] = []
                for (const element of svg.querySelectorAll('section:not([data-marpit-advanced-background="pseudo"]), figure')) {
                  for (const m of getComputedStyle(element).backgroundImage.matchAll(/url\("([^"]*)"\)/g)) if (m[1] && !urls.includes(m[1])) urls.push(m[1])
                }
                return Promise.all(
                  urls.map(
                    (url) =>
                      new Promise<{ url: string; size: string }>((resolve) => {
                        const img = new Image()
                        img.onload = () => resolve({ url, size: `${img.naturalWidth}x${img.naturalHeight}` })
                        img.onerror = () => resolve({ url, size: 'not loaded' })
                        img.src = url
                      }),
                  ),
                )
              }),
            )
          })
          expect(
            shown.map((urls) => urls.map((u) => u.size)),
            slug,
          ).toEqual(expected.map((sources) => sources.map(size)))
          for (const { url } of shown.flat()) {
            expect(url.startsWith(base), url).toBe(true)
            expect(served.get(decodeURIComponent(new URL(url).pathname)), url).toBe(200)
          }
        }
      } finally {
        await page.close()
      }
    })
  })

  it('are reported as missing-asset once, at the line that names them, when the file is not there', async () => {
    const root = await project({
      'slides/gone.md': [
        '---', // 1
        "backgroundImage: url('../common/none.png')", // 2
        '---', // 3
        '',
        '# One',
        '',
        '---',
        '',
        '# Two', // 9
        '',
        '---',
        '',
        '<!-- _backgroundImage: url(nowhere.png) -->', // 13
        '# Three',
        '',
        '---',
        '<!--',
        'paginate: true',
        'backgroundImage: url("../lost/x.png")', // 19
        '-->',
        '# Four',
        '',
        '---',
        '',
        '# Five',
        '',
        '![bg](../lost/y.png)', // 27
        '',
        '---',
        '',
        '<!-- _backgroundImage: url(/etc/hostname) -->', // 31
        '# Six',
      ].join('\n'),
    })
    const result = await buildProject(root)
    const found = result.problems.map((p) => ({ line: p.line, rule: p.rule, message: p.message }))
    expect(found).toEqual([
      { line: 2, rule: 'missing-asset', message: expect.stringContaining('../common/none.png (common/none.png) not found') },
      { line: 13, rule: 'missing-asset', message: expect.stringContaining('nowhere.png (slides/nowhere.png) not found') },
      { line: 19, rule: 'missing-asset', message: expect.stringContaining('../lost/x.png (lost/x.png) not found') },
      { line: 27, rule: 'missing-asset', message: expect.stringContaining('../lost/y.png (lost/y.png) not found') },
      { line: 31, rule: 'unsafe-path', message: expect.stringContaining('/etc/hostname is an absolute path') },
    ])
    for (const p of result.problems.filter((p) => p.rule === 'missing-asset')) expect(p.message).toMatch(/^background image /)
  })

  it('are inlined in a single-file page', async () => {
    const root = await project(files())
    const result = await buildProject(root, { singleFile: true })
    expect(result.problems).toEqual([])
    for (const [slug, expected] of Object.entries(EXPECTED)) {
      const backgrounds = slideBackgrounds(await readOut(root, `${slug}/index.html`))
      expect(
        backgrounds.map((urls) => urls.length),
        slug,
      ).toEqual(expected.map((sources) => sources.length))
      for (const [i, urls] of backgrounds.entries()) {
        for (const [j, url] of urls.entries()) {
          const source = expected[i]?.[j] ?? 'none'
          expect(url, `${slug} slide ${i + 1}`).toBe(`data:image/png;base64,${(await readFile(path.join(root, ...source.split('/')))).toString('base64')}`)
        }
      }
    }
  })

  it('are printed in the PDF', { timeout: 120_000 }, async () => {
    const root = await project(files())
    const result = await buildProject(root, { pdf: true })
    expect(result.problems).toEqual([])
    for (const [slug, expected] of Object.entries(EXPECTED)) {
      const name = slug.split('/').at(-1) ?? slug
      const { pages } = await readPdf(path.join(root, 'dist', slug, `${name}.pdf`))
      expect(
        pages.map((p) => [...p.imageSizes].sort()),
        slug,
      ).toEqual(expected.map((sources) => sources.map(size).sort()))
    }
  })
})

describe('local background images in dev', () => {
  let root: string
  let session: Awaited<ReturnType<typeof startDev>>
  const events: DevBuildEvent[] = []
  beforeAll(async () => {
    root = await project({ ...IMAGES, 'slides/lecture.md': '# Lecture', 'slides/split.md': '# Split' })
    session = await startDev({ root }, { port: 0, onBuild: (event) => events.push(event) })
  })
  afterAll(async () => {
    await session?.close()
  })

  it('lead to their copies after an in-place rebuild, served by the dev server', async () => {
    await writeFile(path.join(root, 'slides/lecture.md'), LECTURE)
    await writeFile(path.join(root, 'slides/split.md'), SPLIT)
    // Until both pages are rebuilt with their backgrounds (whatever their URLs).
    const page = async (slug: string) => (await fetch(`${session.url}${slug}/index.html`)).text()
    const deadline = Date.now() + 15_000
    while (!((await page('lecture')).includes('background-image') && (await page('split')).includes('data-marpit-advanced-background'))) {
      if (Date.now() > deadline) throw new Error('the edits were not rebuilt')
      await new Promise((r) => setTimeout(r, 50))
    }
    await session.settled()
    const last = events.at(-1)
    expect(last?.ok && last.result.problems).toEqual([])
    for (const slug of ['lecture', 'split']) {
      const pageUrl = `${session.url}${slug}/index.html`
      const html = await (await fetch(pageUrl)).text()
      const backgrounds = slideBackgrounds(html)
      const expected = EXPECTED[slug] ?? []
      expect(
        backgrounds.map((urls) => urls.length),
        slug,
      ).toEqual(expected.map((sources) => sources.length))
      for (const [i, urls] of backgrounds.entries()) {
        for (const [j, url] of urls.entries()) {
          const response = await fetch(new URL(url, pageUrl))
          expect(response.status, `${slug} slide ${i + 1}: ${url}`).toBe(200)
          const source = expected[i]?.[j] ?? 'none'
          expect(Buffer.from(await response.arrayBuffer())).toEqual(await readFile(path.join(root, ...source.split('/'))))
        }
      }
    }
  })
})
