import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BuildResult } from '../src/build/index.js'
import type { Manifest } from '../src/write/manifest.js'
import { chromiumPath, privateTmpdir } from './helpers/browser.js'
import { buildProject, project, readManifest, readOut } from './helpers/project.js'

// Slide images, the index's image thumbnails and the downloads, from real builds in Chromium: one PDF
// build with images, the same site again with one deck edited, then a build as dev makes it.

const CHROME = chromiumPath()
const TMP = privateTmpdir()
afterAll(() => rm(TMP, { recursive: true, force: true }))

const ALPHA = [
  '---',
  'title: Alpha talk',
  'author: Ada',
  '---',
  '',
  '# Alpha',
  '',
  '<!-- Say hello -->',
  '',
  '---',
  '',
  '<!-- _backgroundColor: #1d5fa8 -->',
  '',
  '## Blue slide',
  '',
  '---',
  '',
  '## Third',
  '',
  '- one',
  '- two',
].join('\n')
const BETA = ['---', 'title: Beta talk', 'size: 4:3', '---', '', '# Beta, four by three'].join('\n')

/** A PNG's pixel size, and the share of its pixels that differ from its top-left one (0: a blank image). */
async function png(root: string, sitePath: string): Promise<{ width: number; height: number; inked: number }> {
  const image = PNG.sync.read(await readFile(path.join(root, 'dist', ...sitePath.split('/'))))
  const { data, width, height } = image
  let differ = 0
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs((data[i] ?? 0) - (data[0] ?? 0)) + Math.abs((data[i + 1] ?? 0) - (data[1] ?? 0)) + Math.abs((data[i + 2] ?? 0) - (data[2] ?? 0)) > 30)
      differ += 1
  }
  return { width, height, inked: differ / (width * height) }
}

const fileId = async (root: string, sitePath: string) => {
  const info = await stat(path.join(root, 'dist', ...sitePath.split('/')))
  return `${info.ino}:${info.mtimeMs}`
}

let root: string
let first: { result: BuildResult; manifest: Manifest; index: string; ids: Record<string, string> }

beforeAll(async () => {
  root = await project({
    'slides/alpha.md': ALPHA,
    'slides/beta.md': BETA,
    'marp-site.config.json': JSON.stringify({ images: { format: 'png', scale: 0.5 } }),
  })
  const result = await buildProject(root, { pdf: true, browserPath: CHROME })
  const ids: Record<string, string> = {}
  for (const p of ['alpha/slides/001.png', 'alpha/thumb.webp', 'beta/slides/001.png']) ids[p] = await fileId(root, p)
  first = { result, manifest: await readManifest(root), index: await readOut(root, 'index.html'), ids }
})

describe('slide images', () => {
  it('writes an image of every slide at its size times the scale, in the PDF build, none of them blank', async () => {
    expect(first.result.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(first.result.pdf.printed).toBe(2)
    for (const n of ['001', '002', '003']) {
      const image = await png(root, `alpha/slides/${n}.png`)
      expect([image.width, image.height]).toEqual([640, 360])
      expect(image.inked).toBeGreaterThan(0.002)
    }
    // The second slide is blue all over: the image is of that slide, not of the page around it.
    const blue = PNG.sync.read(await readFile(path.join(root, 'dist', 'alpha', 'slides', '002.png')))
    const at = (Math.round(blue.height * 0.9) * blue.width + Math.round(blue.width * 0.9)) * 4
    expect([...blue.data.subarray(at, at + 3)]).toEqual([0x1d, 0x5f, 0xa8])
    const beta = await png(root, 'beta/slides/001.png')
    expect([beta.width, beta.height]).toEqual([480, 360])
    expect(beta.inked).toBeGreaterThan(0.002)
  })

  it('lists the images in the manifest, in order', () => {
    const alpha = first.manifest.decks.find((d) => d.slug === 'alpha')
    expect(alpha?.images).toEqual(['alpha/slides/001.png', 'alpha/slides/002.png', 'alpha/slides/003.png'])
    expect(alpha?.pptx).toBeNull()
    expect(alpha?.pdf).toBe('alpha/alpha.pdf')
  })
})

describe('the index', () => {
  it('shows slide 1 as an image on each card: width, height, lazy, the deck title as alt; no iframe', () => {
    expect(first.index).toContain('<img class="ms-thumb" src="alpha/thumb.webp" width="640" height="360" loading="lazy" decoding="async" alt="Alpha talk">')
    expect(first.index).toContain('src="beta/thumb.webp" width="640" height="480"')
    expect(first.index).not.toContain('<iframe')
  })

  it('offers the PDF with its size on the card and on the deck page', async () => {
    const bytes = (await stat(path.join(root, 'dist', 'alpha', 'alpha.pdf'))).size
    const size = bytes < 10_000 ? `${(bytes / 1000).toFixed(1)} KB` : `${Math.round(bytes / 1000)} KB`
    expect(first.index).toContain(`<a class="ms-pdf" href="alpha/alpha.pdf" download>PDF <small>${size}</small></a>`)
    expect(await readOut(root, 'alpha/index.html')).toContain(`<a href="../alpha/alpha.pdf" download>PDF <small>${size}</small></a>`)
  })
})

describe('the next builds', () => {
  let second: { result: BuildResult; manifest: Manifest; ids: Record<string, string> }
  let third: { result: BuildResult; manifest: Manifest; index: string }

  beforeAll(async () => {
    await writeFile(path.join(root, 'slides', 'beta.md'), BETA.replace('four by three', 'edited'))
    const result = await buildProject(root, { pdf: true, browserPath: CHROME })
    const ids: Record<string, string> = {}
    for (const p of ['alpha/slides/001.png', 'alpha/thumb.webp', 'beta/slides/001.png']) ids[p] = await fileId(root, p)
    second = { result, manifest: await readManifest(root), ids }
    // As dev builds: no PDFs, no pictures taken, whatever the config asks.
    await writeFile(path.join(root, 'slides', 'alpha.md'), ALPHA.replace('# Alpha', '# Alpha, edited'))
    third = { result: await buildProject(root, { pdf: false }, { media: false }), manifest: await readManifest(root), index: await readOut(root, 'index.html') }
  }, 120_000)

  it('reuses the images of an unchanged deck (the same files, not taken again) and takes the edited deck’s again', async () => {
    expect(second.ids['alpha/slides/001.png']).toBe(first.ids['alpha/slides/001.png'])
    expect(second.ids['alpha/thumb.webp']).toBe(first.ids['alpha/thumb.webp'])
    expect(second.ids['beta/slides/001.png']).not.toBe(first.ids['beta/slides/001.png'])
    expect(second.result.pdf.reused).toBe(1)
    expect(second.manifest.decks.find((d) => d.slug === 'beta')?.images).toEqual(['beta/slides/001.png'])
  })

  it('takes no pictures in a build as dev makes it: keeps the current ones, and shows the edited deck as a live thumbnail', () => {
    expect(third.result.pdf.browser).toBeUndefined()
    const bySlug = new Map(third.manifest.decks.map((d) => [d.slug, d]))
    expect(bySlug.get('alpha')?.images).toBeNull()
    expect(bySlug.get('beta')?.images).toEqual(['beta/slides/001.png'])
    expect(third.index).toContain('<iframe class="ms-thumb" src="alpha/thumb.html"')
    expect(third.index).toContain('<img class="ms-thumb" src="beta/thumb.webp"')
  })
})
