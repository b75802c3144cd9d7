/**
 * Speaker notes (issue 20, items 5 and 6): `notes: private` (or `--no-notes`) keeps them out of every
 * file of the site, PDFs included; `dev` still shows them in the presenter view; `--with-notes` makes
 * a local copy with them; `notesFile` writes them as text, as `marp --notes` does.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BuildResult } from '../src/build/index.js'
import { startDev, type DevSession } from '../src/dev/dev.js'
import { launchBrowser, privateTmpdir, type TestBrowser } from './helpers/browser.js'
import { readPdf } from './helpers/pdf.js'
import { buildProject, exists, project, readOut, runCli } from './helpers/project.js'

privateTmpdir()

const SECRET = 'PRIVATE-NOTE'
const DECKS = {
  'slides/a.md': `# Alpha\n\n<!-- ${SECRET} alpha: the joke about <b>tags</b> -->\n\n---\n\n# Beta\n\n<!-- ${SECRET} beta -->\n`,
  'slides/b.md': `---\ntitle: Bravo\n---\n\n# Bravo\n\n<!--\n${SECRET} bravo, on two\nlines\n-->\n`,
}

/** Every file under `dir`, and for PDFs the text of their pages and annotations too, as one string per file. */
async function everyFile(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    const bytes = await readFile(file)
    let text = `${bytes.toString('utf8')}\n${bytes.toString('latin1')}`
    if (file.endsWith('.pdf')) {
      const pdf = await readPdf(file)
      text += JSON.stringify(pdf)
    }
    files.set(path.relative(dir, file), text)
  }
  return files
}

describe('notes: private', () => {
  let root: string
  let built: BuildResult

  beforeAll(async () => {
    root = await project({
      ...DECKS,
      'marp-site.config.json': JSON.stringify({ notes: 'private', notesFile: true, url: 'https://talks.example.org/' }),
      // Other configs of the same project, for the builds below: they share its render cache, and
      // without url they start no browser.
      'public.json': '{ "notes": "public" }',
      'speaker.json': '{ "notes": "private", "notesFile": true }',
      'annotated.json': '{ "notes": "private", "pdf": { "notes": "annotations" } }',
    })
    // PDFs, social cards and the notes file asked for: everything a public site can carry.
    built = await buildProject(root, { pdf: true })
  }, 90_000)

  it('leaves no note in any file of the site: pages, thumbnails, JSON, manifest, PDFs, cards, feed', async () => {
    expect(built.problems).toEqual([])
    const files = await everyFile(path.join(root, 'dist'))
    expect([...files.keys()]).toEqual(expect.arrayContaining(['a/index.html', 'a/thumb.html', 'a/a.pdf', 'b/b.pdf', 'manifest.json', 'feed.xml', 'a/card.png']))
    expect([...files].filter(([, text]) => text.includes(SECRET)).map(([file]) => file)).toEqual([])
    // The page still has its runtime data, with a note per slide, each empty.
    expect(await readOut(root, 'a/index.html')).toMatch(/"notes":\["",""\]/)
  })

  it('writes no notes file, and says why', async () => {
    expect(await exists(path.join(root, 'dist', 'a', 'notes.md'))).toBe(false)
    expect(built.notices).toEqual([expect.stringContaining('Speaker notes are private')])
  })

  it('keeps notes out of single-file pages with --no-notes over a public config', async () => {
    const result = await runCli(['build', '--no-pdf', '--single-file', '--no-notes', '--config', 'public.json', '--out', 'single', root], root)
    expect(result.code).toBe(0)
    const files = await everyFile(path.join(root, 'single'))
    expect(files.size).toBeGreaterThan(3)
    expect([...files].filter(([, text]) => text.includes(SECRET)).map(([file]) => file)).toEqual([])
  })

  it('makes a local copy with notes and notes files with --with-notes', async () => {
    const result = await runCli(['build', '--no-pdf', '--with-notes', '--config', 'speaker.json', '--out', 'speaker', root], root)
    expect(result.code).toBe(0)
    expect(await readOut(root, 'a/index.html', 'speaker')).toContain(`${SECRET} alpha`)
    // As `marp --notes` writes them: each slide's notes, in order, separated by a `---` line.
    expect(await readOut(root, 'a/notes.md', 'speaker')).toBe(`${SECRET} alpha: the joke about <b>tags</b>\n\n---\n\n${SECRET} beta\n`)
    expect(await readOut(root, 'b/notes.md', 'speaker')).toBe(`${SECRET} bravo, on two\nlines\n`)
  })

  it('puts notes in the PDFs only when pdf.notes asks for them, and still not in the pages', async () => {
    const result = await runCli(['build', '--pdf', '--config', 'annotated.json', '--out', 'annotated', root], root)
    expect(result.code).toBe(0)
    const pdf = await readPdf(path.join(root, 'annotated', 'a', 'a.pdf'))
    expect(pdf.pages[0]?.annotations).toEqual([expect.objectContaining({ subtype: 'Text', contents: `${SECRET} alpha: the joke about <b>tags</b>` })])
    expect(await readOut(root, 'a/index.html', 'annotated')).not.toContain(SECRET)
  }, 60_000)

  describe('in dev', () => {
    let dev: DevSession
    let browser: TestBrowser

    beforeAll(async () => {
      ;[dev, browser] = await Promise.all([startDev({ root }, { port: 0 }), launchBrowser()])
    }, 60_000)
    afterAll(async () => {
      await Promise.all([dev?.close(), browser?.close()])
    })

    it('shows the notes in the presenter view, and makes no card, sitemap or feed', async () => {
      const page = await browser.browser.newPage()
      try {
        await page.goto(`${dev.url}a/index.html?view=presenter#1`)
        await page.waitForSelector('.ms-p-notes-text')
        expect(await page.$eval('.ms-p-notes-text', (e) => e.textContent)).toBe(`${SECRET} alpha: the joke about <b>tags</b>`)
      } finally {
        await page.close()
      }
      for (const file of ['sitemap.xml', 'feed.xml', 'a/card.png']) expect(await exists(path.join(root, 'dist', file))).toBe(false)
    })
  })
})
