import { lstat, mkdir, readdir, readFile, readlink, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { digest } from '../src/hash.js'
import { statStamp, treeState } from '../src/cache/fingerprint.js'
import { startDev } from '../src/dev/dev.js'
import { finishPdf, readPdfKey } from '../src/pdf/document.js'
import { OLD_TAG, TMP_TAG } from '../src/write/io.js'
import { readPdf } from './helpers/pdf.js'
import { buildProject, project, readOut, tempDir } from './helpers/project.js'

const KEY = '0123456789abcdef0123456789abcdef'

/** A small PDF as finishPdf leaves it, with the reuse key above. */
async function finishedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  for (let i = 0; i < 3; i += 1) doc.addPage([640, 360]).drawText(`Slide ${i + 1}`, { x: 20, y: 300 })
  return finishPdf(await doc.save(), {
    title: 'T',
    author: undefined,
    subject: '',
    keywords: [],
    outline: ['One', 'Two', 'Three'],
    notes: undefined,
    date: new Date(0),
    generator: 'marp-site test',
    key: KEY,
  })
}

describe('the reuse key of a PDF', () => {
  it('is read from a complete PDF only: not from one cut short, nor one with bytes after its end', async () => {
    const bytes = await finishedPdf()
    expect(readPdfKey(bytes)).toBe(KEY)
    // Cut anywhere from the first third to one byte short: a full disk, a killed copy, a bad sync.
    for (const share of [1 / 3, 2 / 3, 0.99]) expect(readPdfKey(bytes.subarray(0, Math.floor(bytes.length * share)))).toBeUndefined()
    expect(readPdfKey(bytes.subarray(0, bytes.length - 1))).toBeUndefined()
    // Appended to (two copies run into one file), or padded: the cross-reference table no longer ends the file.
    expect(readPdfKey(Buffer.concat([bytes, bytes]))).toBeUndefined()
    expect(readPdfKey(Buffer.concat([bytes, Buffer.alloc(4096)]))).toBeUndefined()
    // A hole punched in the middle (a block of zeros of the same length) breaks an object the table points at.
    const holed = Buffer.from(bytes)
    const at = holed.indexOf('obj', Math.floor(holed.length / 2))
    holed.fill(0, at - 8, at + 8)
    expect(readPdfKey(holed)).toBeUndefined()
  })
})

describe('a truncated PDF in the out dir', () => {
  it('is printed again, complete, and the other decks’ PDFs are reused', async () => {
    const root = await project({ 'slides/a.md': '# Alpha\n\n---\n\n# Two', 'slides/b.md': '# Bravo' })
    const first = await buildProject(root, { pdf: true })
    expect(first.pdf).toMatchObject({ printed: 2, reused: 0 })
    const file = path.join(root, 'dist/a/a.pdf')
    const size = (await stat(file)).size
    await truncate(file, Math.floor((size * 2) / 3))

    const second = await buildProject(root, { pdf: true })
    expect(second.pdf).toMatchObject({ printed: 1, reused: 1 })
    expect((await stat(file)).size).toBe(size)
    const pdf = await readPdf(file)
    expect(pdf.pages.map((p) => p.text)).toEqual([expect.stringContaining('Alpha'), expect.stringContaining('Two')])
  })
})

const DECKS = { 'slides/a.md': '# Alpha\n\nFirst deck', 'slides/b.md': '# Bravo\n\nSecond deck' }

/** The entry files of one kind in the project's cache. */
async function entries(root: string, kind: string): Promise<string[]> {
  const dir = path.join(root, '.marp-site-cache', kind)
  return (await readdir(dir)).filter((name) => name.endsWith('.json')).map((name) => path.join(dir, name))
}

/** Rewrites a cache entry with `change`, checking that it is still valid JSON, so that only its checksum can tell. */
async function alter(file: string, change: (text: string) => string): Promise<void> {
  const text = change(await readFile(file, 'utf8'))
  JSON.parse(text)
  await writeFile(file, text)
}

describe('cache entries altered on disk', () => {
  it('are misses: a render entry whose HTML was changed is not published', async () => {
    const root = await project(DECKS)
    await buildProject(root)
    const [entry, ...others] = (await Promise.all((await entries(root, 'renders')).map(async (f) => [f, await readFile(f, 'utf8')] as const))).filter(
      ([, text]) => text.includes('Alpha'),
    )
    expect(others).toEqual([])
    await alter(entry?.[0] ?? '', (text) => text.replaceAll('Alpha', 'Forged'))
    // Another out dir: no stamp, no previous pages, so the build takes the deck's render from the cache.
    const again = await buildProject(root, { outDir: 'other' })
    const page = await readOut(root, 'a/index.html', 'other')
    expect(page).not.toContain('Forged')
    expect(page).toContain('Alpha')
    expect(again.rendered).toBe(1)
  })

  it('are misses: a pages entry vouching for a page changed in the out dir does not keep it', async () => {
    const root = await project(DECKS)
    await buildProject(root)
    const page = path.join(root, 'dist/a/index.html')
    const real = await readFile(page, 'utf8')
    const before = statStamp(await stat(page))
    await writeFile(page, real.replaceAll('Alpha', 'Forged'))
    const forged = statStamp(await stat(page))
    const [entry] = await entries(root, 'pages')
    await alter(entry ?? '', replacing(before, forged))
    const again = await buildProject(root)
    expect(again.upToDate).toBe(false)
    expect(await readFile(page, 'utf8')).toBe(real)
  })

  it('are misses: a sites entry (the up-to-date stamp) made to match a changed out dir does not stop the build', async () => {
    const root = await project(DECKS)
    await buildProject(root)
    const dist = path.join(root, 'dist')
    const before = digest(await treeState(dist))
    await rm(path.join(dist, 'b/index.html'))
    const forged = digest(await treeState(dist))
    const [entry] = await entries(root, 'sites')
    await alter(entry ?? '', replacing(before, forged))
    const again = await buildProject(root)
    expect(again.upToDate).toBe(false)
    expect(await readOut(root, 'b/index.html')).toContain('Bravo')
  })

  it('are misses when made by an older marp-site, without a checksum, and are made again', async () => {
    const root = await project(DECKS)
    await buildProject(root)
    for (const file of await entries(root, 'renders')) {
      const { key, value } = JSON.parse(await readFile(file, 'utf8')) as { key: string; value: unknown }
      await writeFile(file, JSON.stringify({ key, value }))
    }
    const again = await buildProject(root, { outDir: 'other' })
    expect(again.rendered).toBe(2)
    // Made again with their checksum: the next build takes them from the cache.
    expect((await buildProject(root, { outDir: 'third' })).rendered).toBe(0)
  })
})

/** A text change that replaces `from` with `to`, failing the test when `from` is not there. */
function replacing(from: string, to: string): (text: string) => string {
  return (text) => {
    expect(text).toContain(from)
    return text.replace(from, to)
  }
}

/** Names of leftovers a build may leave beside a folder (its staging folder, the old site). */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.includes(TMP_TAG) || name.includes(OLD_TAG))
}

describe('an out dir that is a symlink', () => {
  it('stays a link: the build replaces the folder it points at, whole, every time', async () => {
    const root = await project(DECKS)
    const elsewhere = await tempDir('marp-site-www-')
    const target = path.join(elsewhere, 'www')
    // A link to a folder not made yet (a fresh deploy): the first build makes it.
    await symlink(target, path.join(root, 'dist'))
    await buildProject(root)
    const link = path.join(root, 'dist')
    expect((await lstat(link)).isSymbolicLink()).toBe(true)
    expect(await readlink(link)).toBe(target)
    expect(await readFile(path.join(target, 'a/index.html'), 'utf8')).toContain('Alpha')

    const folder = (await stat(target)).ino
    // A staging folder left beside the target by a build killed mid-way (a process long gone).
    await mkdir(path.join(elsewhere, `.www${TMP_TAG}999999999-x`))
    await writeFile(path.join(root, 'slides/b.md'), '# Bravo, edited')
    const again = await buildProject(root)
    expect(again.upToDate).toBe(false)
    expect((await lstat(link)).isSymbolicLink()).toBe(true)
    // Replaced whole: a new folder swapped in at the target's path.
    expect((await stat(target)).ino).not.toBe(folder)
    expect(await readFile(path.join(target, 'b/index.html'), 'utf8')).toContain('Bravo, edited')
    // Nothing left beside the link nor beside its target.
    expect(await leftovers(root)).toEqual([])
    expect(await leftovers(elsewhere)).toEqual([])
    // A no-change build is up to date through the link too.
    expect((await buildProject(root)).upToDate).toBe(true)
  })

  it('stays a link when its target is reached through another link (a relative one)', async () => {
    const root = await project(DECKS)
    const elsewhere = await tempDir('marp-site-www-')
    await mkdir(path.join(elsewhere, 'releases/current'), { recursive: true })
    await symlink('releases/current', path.join(elsewhere, 'live'))
    await symlink(path.join(elsewhere, 'live'), path.join(root, 'dist'))
    await buildProject(root)
    await writeFile(path.join(root, 'slides/b.md'), '# Bravo, edited')
    await buildProject(root)
    expect((await lstat(path.join(root, 'dist'))).isSymbolicLink()).toBe(true)
    expect((await lstat(path.join(elsewhere, 'live'))).isSymbolicLink()).toBe(true)
    expect(await readFile(path.join(elsewhere, 'releases/current/a/index.html'), 'utf8')).toContain('Alpha')
  })

  it('stays a link under dev, whose rebuilds update its target in place', async () => {
    const root = await project(DECKS)
    const target = path.join(await tempDir('marp-site-www-'), 'www')
    await mkdir(target)
    await symlink(target, path.join(root, 'dist'))
    const session = await startDev({ root }, { port: 0 })
    try {
      expect((await lstat(path.join(root, 'dist'))).isSymbolicLink()).toBe(true)
      const folder = (await stat(target)).ino
      await writeFile(path.join(root, 'slides/a.md'), '# Alpha, edited')
      const page = path.join(target, 'a/index.html')
      for (let i = 0; i < 100 && !(await readFile(page, 'utf8')).includes('Alpha, edited'); i += 1) await new Promise((r) => setTimeout(r, 100))
      await session.settled()
      expect(await readFile(page, 'utf8')).toContain('Alpha, edited')
      expect((await lstat(path.join(root, 'dist'))).isSymbolicLink()).toBe(true)
      // In place: the very folder the link points at, not a new one swapped in.
      expect((await stat(target)).ino).toBe(folder)
    } finally {
      await session.close()
    }
  })

  it('stays a link when an in-place rebuild without a session lists its target and removes a deck that went away', async () => {
    const root = await project(DECKS)
    const target = path.join(await tempDir('marp-site-www-'), 'www')
    await symlink(target, path.join(root, 'dist'))
    await buildProject(root)
    await rm(path.join(root, 'slides/b.md'))
    await buildProject(root, {}, { inPlace: true })
    expect((await lstat(path.join(root, 'dist'))).isSymbolicLink()).toBe(true)
    expect(await readdir(target)).not.toContain('b')
    expect(await readFile(path.join(target, 'a/index.html'), 'utf8')).toContain('Alpha')
  })
})
