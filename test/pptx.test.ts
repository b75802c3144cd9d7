import { readFile, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumPath, privateTmpdir } from './helpers/browser.js'
import { project, readManifest, readOut, runCli } from './helpers/project.js'

// `marp-site build --pptx` in a real Chromium, the file opened as the zip it is and its XML read.

const CHROME = chromiumPath()
const TMP = privateTmpdir()
afterAll(() => rm(TMP, { recursive: true, force: true }))

const DECK = [
  '---',
  'title: Quarterly review',
  'author: Grace Hopper',
  'description: Numbers of the quarter',
  '---',
  '',
  '# Quarterly review',
  '',
  '<!-- Say hello to the room & thank the hosts -->',
  '',
  '---',
  '',
  '## Second slide',
  '',
  '<!-- Then the numbers -->',
].join('\n')

let root: string
let cli: { code: number; stdout: string; stderr: string }
let zip: JSZip

/** The text of a zip entry. */
const entry = async (name: string) => {
  const file = zip.file(name)
  if (!file) throw new Error(`${name} is not in the PPTX (it has ${Object.keys(zip.files).join(', ')})`)
  return file.async('string')
}

beforeAll(async () => {
  root = await project({ 'slides/review.md': DECK })
  // No PDF: the deck is loaded for its pictures alone.
  cli = await runCli(['build', root, '--no-pdf', '--pptx', '--browser-path', CHROME])
  zip = await JSZip.loadAsync(await readFile(path.join(root, 'dist', 'review', 'review.pptx')))
}, 120_000)

describe('marp-site build --pptx', () => {
  it('writes <slug>/<name>.pptx with one slide per slide, at the deck’s aspect ratio', async () => {
    expect(cli.stderr).toBe('images 1/1 slides/review.md\n')
    expect(cli.code).toBe(0)
    const slides = Object.keys(zip.files).filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
    expect(slides.sort()).toEqual(['ppt/slides/slide1.xml', 'ppt/slides/slide2.xml'])
    const size = /<p:sldSz cx="(\d+)" cy="(\d+)"/.exec(await entry('ppt/presentation.xml'))
    expect(Number(size?.[1]) / Number(size?.[2])).toBeCloseTo(16 / 9, 3)
  })

  it('puts each slide’s picture full-bleed, at the slide’s pixel size', async () => {
    const [, cx, cy] = /<p:sldSz cx="(\d+)" cy="(\d+)"/.exec(await entry('ppt/presentation.xml')) ?? []
    const slide = await entry('ppt/slides/slide1.xml')
    expect(slide).toMatch(/<p:pic>/)
    expect(slide).toContain('<a:off x="0" y="0"/>')
    expect(slide).toContain(`<a:ext cx="${cx}" cy="${cy}"/>`)
    const pictures = Object.values(zip.files).flatMap((file) => (file.name.startsWith('ppt/media/') && !file.dir ? [file.name] : []))
    expect(pictures).toHaveLength(2)
    for (const name of pictures) {
      const bytes = await zip.file(name)?.async('uint8array')
      const header = Buffer.from(bytes ?? [])
      // PNG: the IHDR chunk holds the width and height.
      expect(header.subarray(1, 4).toString('latin1')).toBe('PNG')
      expect([header.readUInt32BE(16), header.readUInt32BE(20)]).toEqual([1280, 720])
    }
  })

  it('keeps the speaker notes in the notes pane and the title and author in the file’s properties', async () => {
    const notes = await Promise.all([1, 2].map((n) => entry(`ppt/notesSlides/notesSlide${n}.xml`)))
    expect(notes[0]).toContain('Say hello to the room &amp; thank the hosts')
    expect(notes[1]).toContain('Then the numbers')
    const core = await entry('docProps/core.xml')
    expect(core).toContain('<dc:title>Quarterly review</dc:title>')
    expect(core).toContain('<dc:creator>Grace Hopper</dc:creator>')
  })

  it('links the PPTX, with its size, from the manifest, the index card and the deck page', async () => {
    const manifest = await readManifest(root)
    expect(manifest.decks[0]).toMatchObject({ slug: 'review', pdf: null, pptx: 'review/review.pptx', images: null })
    const kb = Math.round((await stat(path.join(root, 'dist', 'review', 'review.pptx'))).size / 1000)
    expect(await readOut(root, 'index.html')).toContain(`<a class="ms-pdf" href="review/review.pptx" download>PowerPoint <small>${kb} KB</small></a>`)
    expect(await readOut(root, 'review/index.html')).toContain(`<a href="../review/review.pptx" download>PowerPoint <small>${kb} KB</small></a>`)
  })
})
