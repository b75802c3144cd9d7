import { symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BuildResult } from '../src/build/options.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { buildProject, exists, project, readOut, REPO } from './helpers/project.js'

/**
 * marp-core 5 chosen through the `engine` seam, as the README's "Which marp-core renders your decks" shows
 * (`marp-core-5` is the devDependency alias of @marp-team/marp-core 5.0.2; a user's project imports
 * `@marp-team/marp-core` itself).
 */
const ENGINE = [
  "import { Marp } from 'marp-core-5'",
  "import katex from 'marp-core-5/plugins/katex'",
  "import shiki from 'marp-core-5/plugins/shiki'",
  '',
  'export default ({ marp, ...options }) => new Marp(options).use(shiki()).use(katex())',
].join('\n')
const BG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#c00"/></svg>\n'
const DECK = [
  '---',
  'backgroundImage: url(images/paper.svg)',
  '---',
  '',
  '# Euler $e^{i\\pi} + 1 = 0$',
  '',
  '$$',
  '\\int_0^1 x\\,dx = \\frac{1}{2}',
  '$$',
  '',
  '---',
  '',
  '![bg right](images/bg.svg)',
  '',
  '## Code',
  '',
  '```js',
  'const answer = 42',
  '```',
  '',
].join('\n')

let root: string
let core4: BuildResult
let core5: BuildResult
let page4: string
let page5: string
let chromium: TestBrowser

beforeAll(async () => {
  root = await project({ 'engine.mjs': ENGINE, 'slides/images/bg.svg': BG, 'slides/images/paper.svg': BG, 'slides/deck.md': DECK })
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  // The same project and cache, first with marp-site's own marp-core 4, then with 5 through the engine seam.
  const config = { cacheDir: '.cache', marp: { math: 'katex' } }
  await writeFile(path.join(root, 'marp-site.config.json'), JSON.stringify(config))
  core4 = await buildProject(root)
  page4 = await readOut(root, 'deck/index.html').catch(() => `no page: ${JSON.stringify(core4.problems)}`)
  await writeFile(path.join(root, 'marp-site.config.json'), JSON.stringify({ ...config, engine: './engine.mjs' }))
  core5 = await buildProject(root)
  page5 = await readOut(root, 'deck/index.html').catch(() => `no page: ${JSON.stringify(core5.problems)}`)
  chromium = await launchBrowser()
})
afterAll(async () => {
  await chromium?.close()
})

describe('marp-core 5 through the engine seam', () => {
  it('is part of the render cache key: choosing it renders the deck again, with Shiki instead of highlight.js', () => {
    expect(core4.problems).toEqual([])
    expect(core4.rendered).toBe(1)
    expect(core5.rendered).toBe(1)
    expect(page4).toContain('class="hljs')
    expect(page4).not.toContain('marp-shiki')
    expect(page5).toContain('marp-shiki')
    expect(page5).not.toContain('class="hljs')
  })

  it('keeps our markdown-it plugins working: math, code, a local background and a backgroundImage directive, no problem', async () => {
    expect(core5.problems).toEqual([])
    expect(page5).toContain('class="katex"')
    expect(await exists(path.join(root, 'dist', 'deck', 'images', 'bg.svg'))).toBe(true)
    expect(await exists(path.join(root, 'dist', 'deck', 'images', 'paper.svg'))).toBe(true)
  })

  it('shows the typeset formula, the highlighted code and both backgrounds in a browser', async () => {
    const page = await chromium.browser.newPage()
    try {
      await page.goto(`${pathToFileURL(path.join(root, 'dist', 'deck', 'index.html')).href}?view=measure`, { waitUntil: 'load' })
      const seen = await page.evaluate(async () => {
        const loads = (url: string) =>
          new Promise<boolean>((resolve) => {
            const img = new Image()
            img.onload = () => resolve(img.naturalWidth > 0)
            img.onerror = () => resolve(false)
            img.src = url
          })
        const urlOf = (el: Element | null) => (el ? /url\("?([^")]+)"?\)/.exec(getComputedStyle(el).backgroundImage)?.[1] : undefined) ?? ''
        const first = document.querySelector('section[id="1"]')
        const katex = first?.querySelector('.katex-html')?.getBoundingClientRect()
        const code = document.querySelector('pre.marp-shiki, marp-pre.marp-shiki')
        return {
          katexWidth: katex?.width ?? 0,
          codeBackground: code ? getComputedStyle(code).backgroundColor : '',
          codeText: document.querySelector('pre.marp-shiki, marp-pre.marp-shiki')?.textContent?.trim(),
          directiveBackground: await loads(urlOf(first)),
          splitBackground: await loads(urlOf(document.querySelector('figure[style*="bg.svg"]'))),
        }
      })
      expect(seen.katexWidth).toBeGreaterThan(50)
      expect(seen.codeBackground).toMatch(/^rgb/)
      expect(seen.codeText).toBe('const answer = 42')
      expect(seen.directiveBackground).toBe(true)
      expect(seen.splitBackground).toBe(true)
    } finally {
      await page.close()
    }
  })
})
