import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveDir } from '../src/browser/server.js'
import { startDev, type DevBuildEvent } from '../src/dev/dev.js'
import { blockOutside, launchBrowser, privateTmpdir, type TestBrowser } from './helpers/browser.js'
import { readPdf } from './helpers/pdf.js'
import { buildProject, exists, project, readManifest, runCli, unbuildable } from './helpers/project.js'

const TMP = privateTmpdir()

let browser: TestBrowser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await rm(TMP, { recursive: true, force: true })
})

const run = runCli

/**
 * Opens `sitePath` of the built site `dir` from a real 127.0.0.1 server, with every request to any
 * other address blocked and recorded; answers the page, what was blocked, and the font faces loaded.
 */
async function openFromSite(dir: string, sitePath: string): Promise<{ page: Page; outside: string[]; loaded: string[]; close(): Promise<void> }> {
  const server = await serveDir(dir)
  const page = await browser.browser.newPage()
  const outside = await blockOutside(page, server.base)
  await page.goto(`${server.base}/${sitePath}`, { waitUntil: 'networkidle0' })
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready
    return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family.replace(/["']/g, '')} ${f.weight}`)
  })
  return {
    page,
    outside,
    loaded,
    close: async () => {
      await page.close()
      await server.close()
    },
  }
}

const GAIA_DECK = '---\ntheme: gaia\n---\n# Gaia\n\nBody text and `some code`.\n'

describe("gaia's web fonts", { timeout: 120_000 }, () => {
  it('are served by the site: a gaia page requests nothing outside it, and shows Lato and Roboto Mono', async () => {
    const root = await project({ 'slides/g.md': GAIA_DECK })
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    const opened = await openFromSite(path.join(root, 'dist'), 'g/index.html')
    try {
      expect(opened.outside).toEqual([])
      expect(opened.loaded).toEqual(expect.arrayContaining(['Lato 400', 'Lato 900', 'Roboto Mono 400']))
      expect(await opened.page.evaluate(() => document.fonts.check('35px Lato') && document.fonts.check('28px "Roboto Mono"'))).toBe(true)
    } finally {
      await opened.close()
    }
    // Each font's licence goes with it.
    expect(await readFile(path.join(root, 'dist/_assets/fonts/lato-LICENSE.txt'), 'utf8')).toMatch(/SIL Open Font License/)
  })

  it('are copied only when a deck uses gaia or a theme that imports it', async () => {
    const plain = await project({ 'slides/plain.md': '# Plain' })
    await buildProject(plain)
    expect(await exists(path.join(plain, 'dist/_assets/fonts/gaia.css'))).toBe(false)
    const onGaia = await project({ 'slides/o.md': '---\ntheme: on-gaia\n---\n# On gaia', 'themes/on-gaia.css': "/* @theme on-gaia */\n@import 'gaia';\n" })
    await buildProject(onGaia)
    expect(await exists(path.join(onGaia, 'dist/_assets/fonts/gaia.css'))).toBe(true)
  })

  it('stay with a gaia page kept from the last build when no other deck uses gaia', async () => {
    const root = await project({ 'slides/g.md': GAIA_DECK, 'slides/other.md': '# Other' })
    await buildProject(root)
    await writeFile(path.join(root, 'slides/g.md'), unbuildable('# Gaia'))
    expect((await buildProject(root)).kept).toEqual(['slides/g.md'])
    expect(await readFile(path.join(root, 'dist/_assets/fonts/gaia.css'), 'utf8')).toContain('lato-latin-900-normal.woff2')
    expect(await exists(path.join(root, 'dist/_assets/fonts/lato-latin-900-normal.woff2'))).toBe(true)
  })

  it('are inside a self-contained (--single-file) gaia page, which requests no other file', async () => {
    const root = await project({ 'slides/g.md': GAIA_DECK })
    await buildProject(root, { singleFile: true })
    const opened = await openFromSite(path.join(root, 'dist'), 'g/index.html')
    try {
      expect(opened.outside).toEqual([])
      expect(opened.loaded).toEqual(expect.arrayContaining(['Lato 900', 'Roboto Mono 400']))
    } finally {
      await opened.close()
    }
    expect(await readFile(path.join(root, 'dist/g/index.html'), 'utf8')).not.toContain('_assets/fonts')
  })

  it('are in the PDF of a gaia deck', async () => {
    const root = await project({ 'slides/g.md': GAIA_DECK })
    const result = await buildProject(root, { pdf: true })
    expect(result.problems).toEqual([])
    const { fonts } = await readPdf(path.join(root, 'dist/g/g.pdf'))
    expect(fonts).toEqual(expect.arrayContaining([expect.stringMatching(/^Lato/), expect.stringMatching(/^RobotoMono/)]))
  })
})

/** A deck and a theme whose stylesheets fetch files from outside the site, and a remote background. */
const REMOTE = {
  'slides/styled.md': '# Styled\n\n<style>\n@import url(https://example.com/deck.css);\n</style>\n',
  'slides/themed.md': '---\ntheme: far\n---\n# Themed\n',
  'slides/bg.md': '# Background\n\n<!-- _backgroundImage: url(https://example.com/bg.png) -->\n',
  'themes/far.css':
    '/* @theme far */\n@import "default";\n@import url("https://fonts.googleapis.com/css2?family=X:wght@400;700");\nsection { background: url(https://example.com/far.png) }\n',
}

describe('requests that leave the site', { timeout: 120_000 }, () => {
  it('are external-request warnings in `build --no-pdf` and `check`, with the URL, file and line', async () => {
    const root = await project(REMOTE)
    const built = await run(['build', root, '--no-pdf'])
    expect(built.code).toBe(0)
    const lines = [
      /slides\/styled\.md:4 +warning +https:\/\/example\.com\/deck\.css .*external-request/,
      /slides\/themed\.md +warning +https:\/\/fonts\.googleapis\.com\/css2\?family=X:wght@400;700 .*theme "far".*external-request/,
      /slides\/themed\.md +warning +https:\/\/example\.com\/far\.png .*external-request/,
      /slides\/bg\.md:3 +warning +https:\/\/example\.com\/bg\.png .*_backgroundImage.*external-request/,
      /themes\/far\.css:3 +warning +imports https:\/\/fonts\.googleapis\.com\/css2\?family=X:wght@400;700, .*external-request/,
    ]
    for (const line of lines) expect(built.stderr + built.stdout).toMatch(line)
    expect(built.stderr + built.stdout).not.toContain('missing-asset')

    const checked = await run(['check', root, '--format', 'json'])
    expect(checked.code).toBe(0)
    const problems = (JSON.parse(checked.stdout) as { problems: { deck: string; file: string; line?: number; rule: string; message: string }[] }).problems
    expect(problems.map((p) => [p.deck, p.file, p.line ?? null, p.rule, /(?:https:)?\/\/[^\s,]+/.exec(p.message)?.[0]])).toEqual(
      expect.arrayContaining([
        ['styled', 'slides/styled.md', 4, 'external-request', 'https://example.com/deck.css'],
        ['themed', 'slides/themed.md', null, 'external-request', 'https://fonts.googleapis.com/css2?family=X:wght@400;700'],
        ['themed', 'slides/themed.md', null, 'external-request', 'https://example.com/far.png'],
        ['bg', 'slides/bg.md', 3, 'external-request', 'https://example.com/bg.png'],
        ['', 'themes/far.css', 3, 'external-request', 'https://fonts.googleapis.com/css2?family=X:wght@400;700'],
      ]),
    )
    expect(problems.every((p) => p.rule === 'external-request')).toBe(true)
  })

  it('are reported by dev too, on the pages that make them', async () => {
    const root = await project(REMOTE)
    const builds: DevBuildEvent[] = []
    const dev = await startDev({ root }, { port: 0, onBuild: (event) => builds.push(event) })
    try {
      const first = builds[0]
      if (!first?.ok) throw new Error(`the first dev build failed: ${JSON.stringify(first)}`)
      const external = first.result.decks.flatMap((d) => d.problems.filter((p) => p.rule === 'external-request').map((p) => `${p.deck}:${p.line ?? ''}`))
      expect(external.sort()).toEqual(['bg:3', 'styled:4', 'themed:', 'themed:'])
    } finally {
      await dev.close()
    }
  })
})

describe('the manifest', () => {
  it("lists the site's own problems, such as a theme that does not parse, beside the decks'", async () => {
    const root = await project({
      'slides/a.md': '# A',
      'themes/broken.css': '/* @theme broken */\nsection {\n  color: red;\n',
      'themes/far.css': REMOTE['themes/far.css'],
    })
    await buildProject(root)
    const manifest = await readManifest(root)
    expect(manifest.problems).toEqual([
      { deck: '', file: 'themes/broken.css', line: 2, rule: 'theme-error', severity: 'error', message: expect.stringContaining('CSS syntax error') },
      { deck: '', file: 'themes/far.css', line: 3, rule: 'external-request', severity: 'warning', message: expect.stringContaining('family=X:wght@400;700') },
    ])
    expect(manifest.decks.map((d) => [d.slug, d.problems])).toEqual([['a', []]])
  })
})
