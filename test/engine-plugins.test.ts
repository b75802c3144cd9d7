import { symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevBuildEvent } from '../src/dev/dev.js'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { buildProject, project, readManifest, readOut, REPO } from './helpers/project.js'

/** The README's three examples: markdown-it-container, markdown-it-footnote and a small local plugin. */
const ENGINE = [
  "import container from 'markdown-it-container'",
  "import footnote from 'markdown-it-footnote'",
  "import { shout } from './shout.mjs'",
  '',
  "export default ({ marp }) => marp.use(container, 'note').use(footnote).use(shout)",
].join('\n')
const shout = (transform: string) =>
  [
    '// Turns !!word into a <strong class="shout"> of the word.',
    'export function shout(md) {',
    "  md.inline.ruler.push('shout', (state, silent) => {",
    '    const m = /^!!(\\w+)/.exec(state.src.slice(state.pos))',
    '    if (!m) return false',
    '    if (!silent) {',
    "      state.push('html_inline', '', 0).content = `<strong class=\"shout\">${m[1]." + transform + '()}</strong>`',
    '    }',
    '    state.pos += m[0].length',
    '    return true',
    '  })',
    '}',
  ].join('\n')
const DECK = '# Plugins\n\n::: note\nA custom block\n:::\n\nSaid loudly: !!hello, with a note[^1].\n\n[^1]: The footnote text\n'

/** A project whose engine module imports packages from marp-site's own node_modules (as a user's project would have them). */
async function pluginProject(files: Record<string, string>): Promise<string> {
  const root = await project({ 'marp-site.config.json': '{ "engine": "./engine.mjs", "cacheDir": ".cache" }', ...files })
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  return root
}

let chromium: TestBrowser
beforeAll(async () => {
  chromium = await launchBrowser()
})
afterAll(async () => {
  await chromium?.close()
})

describe('engine plugins (the config’s engine module)', () => {
  it('renders a container block, footnotes and a local plugin, as a browser shows them', async () => {
    const root = await pluginProject({ 'engine.mjs': ENGINE, 'shout.mjs': shout('toUpperCase'), 'slides/a.md': DECK })
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    const page = await chromium.browser.newPage()
    try {
      await page.goto(pathToFileURL(path.join(root, 'dist/a/index.html')).href)
      const seen = await page.evaluate(() => {
        const slide = document.querySelector('section')
        const text = (selector: string) => slide?.querySelector(selector)?.textContent?.trim()
        return { note: text('div.note'), shout: text('strong.shout'), footnote: text('.footnotes li'), ref: text('sup.footnote-ref') }
      })
      expect(seen).toEqual({ note: 'A custom block', shout: 'HELLO', footnote: expect.stringContaining('The footnote text'), ref: '[1]' })
    } finally {
      await page.close()
    }
  })

  it('renders the decks again when the plugin or a file it imports changes', async () => {
    const root = await pluginProject({ 'engine.mjs': ENGINE, 'shout.mjs': shout('toUpperCase'), 'slides/a.md': DECK })
    expect((await buildProject(root)).rendered).toBe(1)
    expect((await buildProject(root)).upToDate).toBe(true)
    await writeFile(path.join(root, 'shout.mjs'), shout('toLowerCase'))
    const again = await buildProject(root)
    expect(again.rendered).toBe(1)
    expect(await readOut(root, 'a/index.html')).toContain('<strong class="shout">hello</strong>')
  })

  it('names the plugin that throws on a deck, and builds the other decks', async () => {
    const root = await pluginProject({
      'engine.mjs':
        "export default ({ marp }) => marp.use((md) => md.core.ruler.push('boom', (state) => { if (state.src.includes('BOOM')) throw new Error('kaboom') }))",
      'slides/a.md': '# Fine',
      'slides/b.md': '# Not fine\n\nBOOM\n',
    })
    const result = await buildProject(root)
    expect(result.problems).toEqual([
      expect.objectContaining({ rule: 'render-error', file: 'slides/b.md', message: 'the engine plugin engine.mjs failed: kaboom' }),
    ])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['a'])
  })

  it('says what is wrong with an engine module that is missing or exports no function', async () => {
    const missing = await pluginProject({ 'slides/a.md': '# A' })
    await expect(buildProject(missing)).rejects.toThrow(/engine: \.\/engine\.mjs is neither a file .* nor an installed package/)
    const wrong = await pluginProject({ 'engine.mjs': 'export default 5', 'slides/a.md': '# A' })
    await expect(buildProject(wrong)).rejects.toThrow('engine engine.mjs must export a function, as in marp-cli: ({ marp }) => marp.use(plugin)')
  })

  it('takes a CommonJS engine from a marp-cli config', async () => {
    const root = await pluginProject({
      '.marprc.yml': 'engine: ./engine.cjs\ninputDir: ./decks\n',
      'engine.cjs': "module.exports = ({ marp }) => marp.use(require('markdown-it-container'), 'warning')",
      'decks/a.md': '::: warning\nCareful\n:::\n',
    })
    await writeFile(path.join(root, 'marp-site.config.json'), '{ "extends": "./.marprc.yml", "cacheDir": ".cache" }')
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    expect(await readOut(root, 'a/index.html')).toMatch(/<div class="warning">\s*<p>Careful<\/p>/)
  })

  it('in dev, renders the decks again when the plugin is edited (real watcher)', async () => {
    const root = await pluginProject({ 'engine.mjs': ENGINE, 'shout.mjs': shout('toUpperCase'), 'slides/a.md': DECK })
    const builds: DevBuildEvent[] = []
    const dev = await startDev({ root }, { port: 0, onBuild: (event) => builds.push(event) })
    try {
      expect(await readOut(root, 'a/index.html')).toContain('<strong class="shout">HELLO</strong>')
      await writeFile(path.join(root, 'shout.mjs'), shout('toLowerCase'))
      const deadline = Date.now() + 20_000
      while (!builds.some((b) => b.changed.some((f) => f.endsWith('shout.mjs'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      await dev.settled()
      expect(await readOut(root, 'a/index.html')).toContain('<strong class="shout">hello</strong>')
    } finally {
      await dev.close()
    }
  })
})
