import { execFileSync } from 'node:child_process'
import { chmod, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { deflateSync } from 'node:zlib'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { BuildSession } from '../src/build/index.js'
import { main } from '../src/cli/main.js'
import { EXIT_CODES } from '../src/errors.js'
import { browserCandidates, findBrowser } from '../src/browser/find.js'
import { chromiumPath, ourBrowsers, privateTmpdir } from './helpers/browser.js'
import { readPdf } from './helpers/pdf.js'
import { buildProject, exists, project, readManifest, readOut } from './helpers/project.js'

const CHROME = chromiumPath()

const TMP = privateTmpdir()
afterAll(() => rm(TMP, { recursive: true, force: true }))

/** Chromium processes started by this file's builds (their profile is a marp-site-pdf-* folder in TMP). */
const printerProcesses = () => ourBrowsers('marp-site-pdf-')

afterEach(() => {
  expect(printerProcesses()).toEqual([])
})

const DECK = [
  '---',
  'title: Printed deck',
  'author: Ada Lovelace',
  'description: A deck to print',
  'tags: [pdf, test]',
  // KaTeX: its formulas print as text in its own fonts, which the test reads back.
  'math: katex',
  '---',
  '',
  '# First heading',
  '',
  '![center An orange rectangle](pic.png)',
  '',
  '<!-- The first note -->',
  '',
  '---',
  '',
  '## Code slide',
  '',
  '```js',
  'const printed = "code survives printing"',
  '```',
  '',
  '---',
  '',
  '## Math and fit',
  '',
  '$$',
  'E = mc^2',
  '$$',
  '',
  '# <!-- fit --> A fitting heading',
].join('\n')
/** A 60×40 orange PNG: printed as an image XObject (an SVG would be printed as vector paths). */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer) => {
    let c = 0xffffffff
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), 8 + data.length)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [0xc2, 0x41, 0x0c]).flat())])
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
const PIC = png(60, 40)

// Each build here launches a browser and prints; under the parallel suite that takes a while.
describe('PDF export', { timeout: 120_000 }, () => {
  it('prints one page per slide at the slide size, with text, images, metadata and bookmarks', async () => {
    const root = await project({
      'slides/deck.md': DECK,
      'slides/pic.png': PIC,
      'slides/square.md': '---\nsize: 4:3\n---\n# Square one\n\n---\n\n# Square two',
    })
    const result = await buildProject(root, { pdf: true })
    expect(result.problems).toEqual([])
    const manifest = await readManifest(root)
    expect(manifest.decks.map((d) => [d.slug, d.pdf])).toEqual([
      ['deck', 'deck/deck.pdf'],
      ['square', 'square/square.pdf'],
    ])

    const pdf = await readPdf(path.join(root, 'dist/deck/deck.pdf'))
    expect(pdf.pages).toHaveLength(3)
    for (const page of pdf.pages) expect([page.width, page.height]).toEqual([960, 540])
    expect(pdf.pages[0]?.text).toContain('First heading')
    expect(pdf.pages[0]?.images).toBeGreaterThan(0)
    expect(pdf.pages[1]?.text).toContain('code survives printing')
    expect(pdf.pages[2]?.text).toContain('A fitting heading')
    expect(pdf.pages[2]?.text).toMatch(/E\s*=\s*m\s*c/)
    // The math is printed in KaTeX's own fonts (served by the site, loaded before printing), embedded.
    expect(pdf.fonts).toEqual(expect.arrayContaining([expect.stringMatching(/^KaTeX_Main-/), expect.stringMatching(/^KaTeX_Math-/)]))
    expect(pdf.info).toMatchObject({ Title: 'Printed deck', Author: 'Ada Lovelace', Subject: 'A deck to print', Keywords: 'pdf test' })
    expect(pdf.outline).toEqual(['First heading', 'Code slide', 'Math and fit'])

    const square = await readPdf(path.join(root, 'dist/square/square.pdf'))
    expect(square.pages.map((p) => [p.width, p.height])).toEqual([
      [720, 540],
      [720, 540],
    ])

    // Linked from the index and the deck page.
    expect(await readOut(root, 'index.html')).toContain('href="deck/deck.pdf"')
    expect(await readOut(root, 'deck/index.html')).toContain('"pdfHref":"deck.pdf"')
  })

  it('prints every deck as its own page would, also decks that share one loaded page in the printer', async () => {
    // x and y have the same page frame (styles, scripts), so the printer swaps y into the page it
    // loaded for x; each has its own pic.png at the same relative path. z (4:3) has another frame.
    const bullets = Array.from({ length: 30 }, (_, i) => `- Point ${i + 1}`).join('\n')
    const root = await project({
      'slides/x/deck.md': '---\ntitle: Deck X\n---\n# Heading X\n\n![center A wide picture](pic.png)\n\n---\n\n## Second of X\n\n- one\n- two',
      'slides/x/pic.png': png(60, 40),
      'slides/y/deck.md': `---\ntitle: Deck Y\n---\n# Heading Y\n\n![center A tall picture](pic.png)\n\n---\n\n## Too long in Y\n\n${bullets}`,
      'slides/y/pic.png': png(30, 50),
      'slides/z.md': '---\nsize: 4:3\ntitle: Deck Z\n---\n# Heading Z',
    })
    const result = await buildProject(root, { pdf: true })
    expect(result.problems.map((p) => [p.file, p.slide, p.rule])).toEqual([['slides/y/deck.md', 2, 'overflow']])

    const x = await readPdf(path.join(root, 'dist/x/deck/deck.pdf'))
    const y = await readPdf(path.join(root, 'dist/y/deck/deck.pdf'))
    const z = await readPdf(path.join(root, 'dist/z/z.pdf'))
    expect(x.info['Title']).toBe('Deck X')
    expect(y.info['Title']).toBe('Deck Y')
    expect(x.pages.map((p) => p.imageSizes)).toEqual([['60x40'], []])
    expect(y.pages.map((p) => p.imageSizes)).toEqual([['30x50'], []])
    expect(y.pages[0]?.text).toContain('Heading Y')
    expect(y.pages[0]?.text).not.toContain('Heading X')
    expect(y.pages[1]?.text).toContain('Point 1')
    expect(z.pages.map((p) => [p.width, p.height, p.text.trim()])).toEqual([[720, 540, 'Heading Z']])
    // Tagged for assistive technology on every page, not only the first slide's.
    for (const pdf of [x, y]) {
      expect(pdf.pages[0]?.roles).toContain('H1')
      expect(pdf.pages[1]?.roles).toEqual(expect.arrayContaining(['L', 'LI']))
    }
  })

  it('links from a PDF to other decks lead into the site, not to the printer’s private server', async () => {
    const files = { 'slides/a.md': '# A\n\n[to B](b.md) and [elsewhere](https://example.com/x)', 'slides/b.md': '# B' }
    const links = async (root: string) => (await readPdf(path.join(root, 'dist/a/a.pdf'))).pages[0]?.annotations.map((a) => a.url)
    const relative = await project(files)
    await buildProject(relative, { pdf: true })
    expect(await links(relative)).toEqual(['../b/index.html', 'https://example.com/x'])
    const hosted = await project({ ...files, 'marp-site.config.json': '{ "baseUrl": "https://talks.example.org/team" }' })
    await buildProject(hosted, { pdf: true })
    expect(await links(hosted)).toEqual(['https://talks.example.org/team/b/index.html', 'https://example.com/x'])
  })

  it('adds speaker notes as annotations when pdf.notes is set', async () => {
    const root = await project({ 'slides/deck.md': DECK, 'slides/pic.png': PIC, 'marp-site.config.json': '{ "pdf": { "notes": true } }' })
    await buildProject(root, { pdf: true })
    const pdf = await readPdf(path.join(root, 'dist/deck/deck.pdf'))
    expect(pdf.pages[0]?.annotations).toEqual([expect.objectContaining({ subtype: 'Text', contents: 'The first note' })])
    expect(pdf.pages[1]?.annotations).toEqual([])
  })

  it('prints a handout with pdf.notes "handout": each slide on an A4 page above its notes', async () => {
    const root = await project({
      'slides/deck.md': DECK,
      'slides/pic.png': PIC,
      'slides/other.md': '# Other deck\n\n<!-- Notes of the other deck -->',
      'marp-site.config.json': '{ "pdf": { "notes": "handout" } }',
    })
    expect((await buildProject(root, { pdf: true })).problems).toEqual([])
    const pdf = await readPdf(path.join(root, 'dist/deck/deck.pdf'))
    // A4 portrait in points, one page per slide, the slide's text and image above its notes.
    expect(pdf.pages.map((p) => [p.width, p.height])).toEqual([
      [595, 842],
      [595, 842],
      [595, 842],
    ])
    // Compared without spaces: pdf.js splits text at ligatures ("fi").
    const compact = (text: string | undefined) => (text ?? '').replace(/\s+/g, '')
    expect(compact(pdf.pages[0]?.text)).toMatch(/Firstheading.*Thefirstnote.*Printeddeck.*1\/3/)
    expect(pdf.pages[0]?.images).toBeGreaterThan(0)
    expect(compact(pdf.pages[1]?.text)).toMatch(/codesurvivesprinting.*Printeddeck.*2\/3/)
    expect(compact(pdf.pages[2]?.text)).toMatch(/Afittingheading.*3\/3/)
    expect(pdf.pages[0]?.annotations).toEqual([])
    expect(pdf.outline).toEqual(['First heading', 'Code slide', 'Math and fit'])
    // The next deck printed through the same page has its own slides and notes only.
    const other = await readPdf(path.join(root, 'dist/other/other.pdf'))
    expect(other.pages.map((p) => compact(p.text))).toEqual([expect.stringMatching(/^Otherdeck.*Notesoftheotherdeck.*Otherdeck1\/1$/)])
  })

  it('reuses an unchanged deck’s PDF, reprints a changed one, and gives the same bytes with SOURCE_DATE_EPOCH, of the process or of the environment the build is given', async () => {
    const before = process.env['SOURCE_DATE_EPOCH']
    process.env['SOURCE_DATE_EPOCH'] = '1700000000'
    try {
      const root = await project({ 'slides/a.md': '# A', 'slides/b.md': '# B' })
      const first = await buildProject(root, { pdf: true })
      expect(first.pdf).toMatchObject({ printed: 2, reused: 0 })
      const bytes = await readFile(path.join(root, 'dist/a/a.pdf'))
      const again = await buildProject(root, { pdf: true })
      expect(again.pdf).toMatchObject({ printed: 0, reused: 2 })
      await writeFile(path.join(root, 'slides/b.md'), '# B changed')
      const changed = await buildProject(root, { pdf: true })
      expect(changed.pdf).toMatchObject({ printed: 1, reused: 1 })
      expect((await readPdf(path.join(root, 'dist/b/b.pdf'))).pages[0]?.text).toContain('B changed')

      // A clean build elsewhere prints the same bytes, also when SOURCE_DATE_EPOCH is only in the
      // environment the build is given, not in the process's.
      delete process.env['SOURCE_DATE_EPOCH']
      const other = await project({ 'slides/a.md': '# A', 'slides/b.md': '# B' })
      await buildProject(other, { pdf: true }, { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } })
      expect((await readFile(path.join(other, 'dist/a/a.pdf'))).equals(bytes)).toBe(true)
      const { info } = await readPdf(path.join(other, 'dist/a/a.pdf'))
      // 1700000000 is 2023-11-14 22:13:20 UTC.
      expect(info['CreationDate']).toMatch(/^D:20231114221320/)
      expect(info['ModDate']).toMatch(/^D:20231114221320/)
    } finally {
      if (before === undefined) delete process.env['SOURCE_DATE_EPOCH']
      else process.env['SOURCE_DATE_EPOCH'] = before
    }
  })

  it('keeps the PDFs that are still current through --no-pdf and dev builds, links them, and drops only stale ones', async () => {
    const root = await project({ 'slides/a.md': '# A\n\n![A picture](pic.png)', 'slides/pic.png': PIC, 'slides/b.md': '# B' })
    const pdfOf = (slug: string) => path.join(root, 'dist', slug, `${slug}.pdf`)
    expect((await buildProject(root, { pdf: true })).pdf).toMatchObject({ printed: 2, reused: 0 })
    const printed = await readFile(pdfOf('a'))

    // An HTML-only build after an edit of b: a's PDF stays, the same file, linked by its page and the
    // index and listed in the manifest; b's is stale and goes, and nothing links it.
    await writeFile(path.join(root, 'slides/b.md'), '# B changed')
    await buildProject(root, { pdf: false })
    expect((await readFile(pdfOf('a'))).equals(printed)).toBe(true)
    expect(await exists(pdfOf('b'))).toBe(false)
    const manifest = await readManifest(root)
    expect(manifest.decks.map((d) => [d.slug, d.pdf])).toEqual([
      ['a', 'a/a.pdf'],
      ['b', null],
    ])
    expect(await readOut(root, 'a/index.html')).toContain('href="../a/a.pdf"')
    expect(await readOut(root, 'b/index.html')).not.toContain('b.pdf')
    expect(await readOut(root, 'index.html')).toContain('a/a.pdf')

    // The next PDF build prints only the deck whose PDF went.
    expect((await buildProject(root, { pdf: true })).pdf).toMatchObject({ printed: 1, reused: 1 })

    // dev's builds (a session; its rebuilds in place) keep both, until a deck's edit makes its PDF stale.
    const session = new BuildSession()
    try {
      await buildProject(root, { pdf: false }, { session })
      expect([await exists(pdfOf('a')), await exists(pdfOf('b'))]).toEqual([true, true])
      await writeFile(path.join(root, 'slides/pic.png'), png(30, 30))
      await buildProject(root, { pdf: false }, { session, inPlace: true })
      expect([await exists(pdfOf('a')), await exists(pdfOf('b'))]).toEqual([false, true])
      expect((await readManifest(root)).decks.map((d) => d.pdf)).toEqual([null, 'b/b.pdf'])
      expect(await readOut(root, 'a/index.html')).not.toContain('a.pdf')
    } finally {
      await session.close()
    }
  })

  it('blocks requests outside the site while printing, reports them, and never reads local files', async () => {
    const root = await project({
      'slides/x.md':
        '# Outside\n\n![](https://example.com/remote.png)\n\n<iframe src="file:///etc/passwd" width="600" height="300"></iframe>\n\n<img src="file:///etc/hostname">',
      'marp-site.config.json': '{ "marp": { "html": true } }',
    })
    const result = await buildProject(root, { pdf: true })
    const blocked = result.problems.filter((p) => p.rule === 'external-request' && p.message.includes('blocked while printing'))
    expect(blocked.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringContaining('https://example.com/remote.png')]))
    const pdf = await readPdf(path.join(root, 'dist/x/x.pdf'))
    expect(pdf.pages[0]?.text).toContain('Outside')
    expect(pdf.pages[0]?.text).not.toMatch(/root:x:0:0/)
  })

  it('measures overflow while printing, and still reports it when the PDF is reused', async () => {
    const bullets = Array.from({ length: 30 }, (_, i) => `- Point ${i + 1}`).join('\n')
    const root = await project({ 'slides/long.md': `# Fits\n\n---\n\n# Too long\n\n${bullets}`, 'slides/ok.md': '# Fine' })
    const first = await buildProject(root, { pdf: true })
    expect(first.problems.map((p) => [p.file, p.slide, p.rule, p.severity])).toEqual([['slides/long.md', 2, 'overflow', 'error']])
    expect((await readManifest(root)).decks.find((d) => d.slug === 'long')?.problems).toEqual([expect.objectContaining({ rule: 'overflow', slide: 2 })])
    await writeFile(path.join(root, 'slides/ok.md'), '# Fine, edited')
    const second = await buildProject(root, { pdf: true })
    expect(second.pdf.reused).toBe(1)
    expect(second.problems.map((p) => [p.file, p.slide, p.rule])).toEqual([['slides/long.md', 2, 'overflow']])
  })

  it('gives up on a deck that never finishes loading, and prints the others', async () => {
    const root = await project({
      'slides/good.md': '# Good',
      'slides/hang.md': '# Hangs\n\n<script>for (;;) {}</script>',
      'marp-site.config.json': '{ "marp": { "html": true }, "pdf": { "timeout": 3 } }',
    })
    const result = await buildProject(root, { pdf: true })
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'slides/hang.md', rule: 'pdf-error', severity: 'error', message: expect.stringContaining('longer than 3 s') }),
    ])
    const manifest = await readManifest(root)
    expect(manifest.decks.map((d) => [d.slug, d.pdf])).toEqual([
      ['good', 'good/good.pdf'],
      ['hang', null],
    ])
    // The failed deck's page does not link a PDF that does not exist.
    expect(await readOut(root, 'hang/index.html')).not.toContain('hang.pdf')
    expect(await exists(path.join(root, 'dist/good/good.pdf'))).toBe(true)
  })

  it('starts the browser again when it crashes mid-build, and finishes every deck', async () => {
    const files: Record<string, string> = {}
    for (let i = 1; i <= 6; i += 1) files[`slides/d${i}.md`] = `# Deck ${i}\n\n---\n\n## Second\n\n$$\nx^${i}\n$$`
    const root = await project(files)
    let killed = false
    const result = await buildProject(
      root,
      { pdf: true },
      {
        onProgress: ({ phase, done }) => {
          if (phase === 'pdf' && done === 1 && !killed) {
            killed = true
            // Only this file's printer: not a build running beside the tests.
            execFileSync('pkill', ['-9', '-f', path.join(TMP, 'marp-site-pdf-')])
          }
        },
      },
    )
    expect(killed).toBe(true)
    expect(result.problems).toEqual([])
    expect((await readManifest(root)).decks.every((d) => d.pdf !== null)).toBe(true)
  })
})

describe('finding a browser', () => {
  it('without one, pdf auto builds the HTML and says once how to get PDFs', async () => {
    const root = await project({ 'slides/a.md': '# A' })
    const result = await buildProject(root, { pdf: 'auto' }, { browserCandidates: ['/nonexistent/chromium'], env: {} })
    expect(result.notices).toEqual([expect.stringContaining('No Chromium, Chrome or Edge found')])
    expect(result.notices[0]).toContain('CHROME_PATH')
    expect((await readManifest(root)).decks).toEqual([expect.objectContaining({ slug: 'a', pdf: null })])
  })

  it('without one, --pdf is an error', async () => {
    const root = await project({ 'slides/a.md': '# A' })
    await expect(buildProject(root, { pdf: true }, { browserCandidates: [], env: {} })).rejects.toMatchObject({
      code: 'BROWSER',
      message: expect.stringContaining('no browser was found'),
    })
    expect(await exists(path.join(root, 'dist'))).toBe(false)
  })

  it('reports a --browser-path or CHROME_PATH that is not an executable', async () => {
    const root = await project({ 'slides/a.md': '# A', 'not-a-browser.txt': 'x' })
    await chmod(path.join(root, 'not-a-browser.txt'), 0o644)
    let stderr = ''
    const code = await main(['build', root, '--browser-path', 'not-a-browser.txt'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: root,
      color: false,
    })
    expect(code).toBe(EXIT_CODES.BROWSER)
    expect(stderr).toMatch(/--browser-path points to .*not-a-browser\.txt, which is not an executable file/)
    await expect(findBrowser(undefined, { CHROME_PATH: '/nonexistent/chrome' })).rejects.toMatchObject({
      code: 'BROWSER',
      message: expect.stringContaining('CHROME_PATH points to /nonexistent/chrome'),
    })
  })

  it('reports a browser that cannot start with every deck it would have printed, and still builds the site', async () => {
    const root = await project({ 'slides/a.md': '# A', 'slides/b.md': '# B' })
    const broken = path.join(root, 'broken-chromium')
    await writeFile(broken, '#!/bin/sh\necho "error while loading shared libraries: libnss3.so" >&2\nexit 127\n')
    await chmod(broken, 0o755)
    const result = await buildProject(root, { pdf: true, browserPath: broken })
    expect(result.problems.map((p) => [p.file, p.rule, p.severity])).toEqual([
      ['slides/a.md', 'pdf-error', 'error'],
      ['slides/b.md', 'pdf-error', 'error'],
    ])
    expect(result.problems[0]?.message).toMatch(/the browser did not start .*exited \(code 127\).*libnss3\.so/)
    expect((await readManifest(root)).decks.map((d) => [d.slug, d.pdf])).toEqual([
      ['a', null],
      ['b', null],
    ])
    // The pages do not link a PDF that was not made.
    expect(await readOut(root, 'a/index.html')).not.toContain('a.pdf')
  })

  it('finds CHROME_PATH, then the usual locations', async () => {
    expect(await findBrowser(undefined, { CHROME_PATH: CHROME }, [])).toEqual({ path: CHROME, source: 'CHROME_PATH' })
    expect(await findBrowser(undefined, {}, ['/nonexistent', CHROME])).toEqual({ path: CHROME, source: 'found' })
    expect(browserCandidates('darwin', { HOME: '/Users/x' })).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome')
    expect(browserCandidates('win32', { PROGRAMFILES: 'C:\\Program Files' })).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe')
    expect(browserCandidates('linux', {})).toContain('/usr/bin/chromium')
  })

  it('takes the headless shell only after every full browser on Linux', () => {
    const linux = browserCandidates('linux', {})
    const shell = linux.indexOf('/usr/bin/chromium-headless-shell')
    expect(shell).toBeGreaterThan(-1)
    for (const full of ['/usr/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/microsoft-edge', '/opt/google/chrome/chrome']) {
      expect(linux.indexOf(full)).toBeGreaterThan(-1)
      expect(linux.indexOf(full)).toBeLessThan(shell)
    }
  })

  it('--no-pdf skips PDFs quietly', async () => {
    const root = await project({ 'slides/a.md': '# A' })
    let stderr = ''
    const code = await main(['build', root, '--no-pdf'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: root,
      color: false,
    })
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect((await readManifest(root)).decks[0]?.pdf).toBeNull()
  })
})
