import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BuildContext, BuildOptions } from '../src/build/index.js'
import type { InlineConfig } from '../src/config/types.js'
import { buildProject, project, readOut } from './helpers/project.js'

/** Every file of a built site, by site path. */
async function tree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const rel of (await readdir(dir, { recursive: true })) as string[]) {
    const file = path.join(dir, rel)
    if ((await stat(file)).isFile()) files.set(rel.split(path.sep).join('/'), (await readFile(file)).toString('base64'))
  }
  return files
}

/** The same project built from scratch, one render thread, no cache, into another out dir. */
async function cleanSerialBuild(root: string, inline: InlineConfig = {}): Promise<Map<string, string>> {
  await buildProject(root, { ...inline, outDir: 'clean', cache: false }, { threads: 1 })
  const files = await tree(path.join(root, 'clean'))
  await rm(path.join(root, 'clean'), { recursive: true })
  return files
}

const DECKS = {
  'slides/a.md': '---\ntitle: Deck A\n---\n\n# Alpha\n\n![a dot](images/dot.svg)\n\n---\n\n## Two $x^2$ :smile:',
  'slides/b.md': '# Bravo\n\n<!-- note for b -->\n\n---\n\n```js\nconst b = 1\n```',
  'slides/c.md': '<style>\nimg[alt~="center"] { display: block; margin: 0 auto; }\n</style>\n\n# Charlie\n\n![center](images/dot.svg)',
  'slides/images/dot.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="5" cx="5" cy="5"/></svg>',
}

describe('the build cache', () => {
  it('does nothing when nothing changed, and reports what the last build reported', async () => {
    const root = await project({ ...DECKS, 'slides/bad.md': '# Bad\n\n![](missing.png)' })
    const first = await buildProject(root)
    expect(first.upToDate).toBe(false)
    expect(first.rendered).toBe(4)
    const before = await tree(path.join(root, 'dist'))
    const page = await stat(path.join(root, 'dist/a/index.html'))

    const second = await buildProject(root)
    expect(second.upToDate).toBe(true)
    expect(second.rendered).toBe(0)
    expect(second.problems).toEqual(first.problems)
    expect(second.decks).toEqual(first.decks)
    expect(await tree(path.join(root, 'dist'))).toEqual(before)
    // Not even rewritten: the out dir is the very same files.
    expect((await stat(path.join(root, 'dist/a/index.html'))).mtimeMs).toBe(page.mtimeMs)
  })

  it('renders only the deck that changed, and the site equals a clean serial build byte for byte', async () => {
    const root = await project(DECKS)
    await buildProject(root)
    await writeFile(path.join(root, 'slides/b.md'), '# Bravo, edited\n\n---\n\n## Second')
    const rebuilt = await buildProject(root)
    expect(rebuilt.upToDate).toBe(false)
    expect(rebuilt.rendered).toBe(1)
    expect(await readOut(root, 'b/index.html')).toContain('Bravo, edited')
    expect(await tree(path.join(root, 'dist'))).toEqual(await cleanSerialBuild(root))
  })

  it('gives byte-identical sites with two render threads and with one', async () => {
    const root = await project(DECKS)
    await buildProject(root, { cache: false }, { threads: 2 })
    expect(await tree(path.join(root, 'dist'))).toEqual(await cleanSerialBuild(root))
  })

  // Each input a page depends on, changed in turn: the rebuild must show the change, and equal a clean build.
  const changes: {
    name: string
    change: (root: string) => Promise<void>
    inline?: InlineConfig
    options?: BuildOptions & BuildContext
    expect: (root: string) => Promise<void>
  }[] = [
    {
      name: 'a theme file',
      change: (root) => writeFile(path.join(root, 'themes/mine.css'), '/* @theme mine */\nsection { background: rgb(1, 2, 3); }'),
      expect: async (root) => expect(await cssOf(root, 'd')).toContain('rgb(1, 2, 3)'),
    },
    {
      name: 'the config file',
      change: (root) => writeFile(path.join(root, 'marp-site.config.json'), JSON.stringify({ title: 'Renamed site' })),
      expect: async (root) => expect(await readOut(root, 'index.html')).toContain('Renamed site'),
    },
    {
      name: 'a template',
      change: (root) => writeFile(path.join(root, 'templates/thumb.liquid'), '<!doctype html><p>custom thumb {{ deck.title }}</p>'),
      expect: async (root) => expect(await readOut(root, 'd/thumb.html')).toContain('custom thumb'),
    },
    {
      name: 'an image a deck links',
      change: (root) => writeFile(path.join(root, 'slides/images/dot.svg'), '<svg xmlns="http://www.w3.org/2000/svg" id="changed"/>'),
      expect: async (root) => expect(await readOut(root, 'a/images/dot.svg')).toContain('changed'),
    },
    {
      name: 'an image that was missing and now exists',
      change: (root) => writeFile(path.join(root, 'slides/images/later.svg'), '<svg xmlns="http://www.w3.org/2000/svg" id="later"/>'),
      expect: async (root) => expect(await readOut(root, 'd/images/later.svg')).toContain('later'),
    },
    {
      name: 'marp-site itself (another version)',
      change: async () => undefined,
      options: { toolKey: 'another marp-site' },
      expect: async (root) => expect(await readOut(root, 'd/index.html')).toContain('Delta'),
    },
    {
      name: 'the out dir, edited by hand',
      change: (root) => writeFile(path.join(root, 'dist/d/index.html'), 'hand-edited'),
      expect: async (root) => expect(await readOut(root, 'd/index.html')).toContain('Delta'),
    },
    {
      name: 'the out dir, deleted',
      change: (root) => rm(path.join(root, 'dist'), { recursive: true }),
      expect: async (root) => expect(await readOut(root, 'd/index.html')).toContain('Delta'),
    },
  ]

  for (const c of changes) {
    it(`never serves a stale site after a change to ${c.name}`, async () => {
      const root = await project({
        ...DECKS,
        'slides/d.md': '---\ntheme: mine\n---\n\n# Delta\n\n![a later image](images/later.svg)',
        'themes/mine.css': '/* @theme mine */\nsection { background: white; }',
        'templates/.keep': '',
      })
      await buildProject(root)
      await c.change(root)
      const rebuilt = await buildProject(root, c.inline, c.options)
      expect(rebuilt.upToDate).toBe(false)
      await c.expect(root)
      expect(await tree(path.join(root, 'dist'))).toEqual(await cleanSerialBuild(root, c.inline))
    })
  }

  it('renders again only the decks that use an edited theme, directly or through an @import', async () => {
    const root = await project({
      'themes/alpha.css': '/* @theme alpha */\nsection { background: rgb(10, 10, 10); }',
      'themes/beta.css': '/* @theme beta */\nsection { background: rgb(20, 20, 20); }',
      'themes/gamma.css': "/* @theme gamma */\n@import 'alpha';\nh1 { color: rgb(30, 30, 30); }",
      'slides/uses-alpha.md': '---\ntheme: alpha\n---\n\n# Alpha',
      'slides/uses-beta.md': '---\ntheme: beta\n---\n\n# Beta',
      'slides/uses-gamma.md': '---\ntheme: gamma\n---\n\n# Gamma',
      'slides/uses-default.md': '# Default theme',
    })
    expect((await buildProject(root)).rendered).toBe(4)
    await writeFile(path.join(root, 'themes/alpha.css'), '/* @theme alpha */\nsection { background: rgb(11, 11, 11); }')
    const rebuilt = await buildProject(root)
    expect(rebuilt.rendered).toBe(2)
    expect(await cssOf(root, 'uses-gamma')).toContain('rgb(11, 11, 11)')
    expect(await tree(path.join(root, 'dist'))).toEqual(await cleanSerialBuild(root))
    // A new theme: only decks that name an unknown theme could change; none here.
    await writeFile(path.join(root, 'themes/delta.css'), '/* @theme delta */\nsection { background: rgb(40, 40, 40); }')
    expect((await buildProject(root)).rendered).toBe(0)
  })

  it('renders again a deck whose theme imports the edited one through @import-theme or an unquoted url()', async () => {
    const root = await project({
      'themes/alpha.css': '/* @theme alpha */\nsection { background: rgb(10, 10, 10); }',
      'themes/marpit.css': "/* @theme marpit */\n@import-theme 'alpha';\nh1 { color: rgb(30, 30, 30); }",
      'themes/unquoted.css': '/* @theme unquoted */\n@import url(alpha);\nh1 { color: rgb(40, 40, 40); }',
      'slides/uses-marpit.md': '---\ntheme: marpit\n---\n\n# Marpit',
      'slides/uses-unquoted.md': '---\ntheme: unquoted\n---\n\n# Unquoted',
    })
    expect((await buildProject(root)).rendered).toBe(2)
    await writeFile(path.join(root, 'themes/alpha.css'), '/* @theme alpha */\nsection { background: rgb(11, 11, 11); }')
    expect((await buildProject(root)).rendered).toBe(2)
  })

  it('remembers a valid config by its content only: a changed config is validated again', async () => {
    const root = await project({ ...DECKS, 'marp-site.config.json': JSON.stringify({ title: 'Valid' }) })
    await buildProject(root)
    expect((await readdir(path.join(root, '.marp-site-cache', 'configs'))).length).toBe(1)
    expect((await buildProject(root)).upToDate).toBe(true)
    await writeFile(path.join(root, 'marp-site.config.json'), JSON.stringify({ title: 'Valid', titel: 'typo' }))
    await expect(buildProject(root)).rejects.toThrow(/unknown key "titel" \(did you mean "title"\?\)/)
    await writeFile(path.join(root, 'marp-site.config.json'), JSON.stringify({ title: 42 }))
    await expect(buildProject(root)).rejects.toThrow(/"title"/)
  })

  it('is not used with --no-cache, and a corrupt cache entry is only a miss', async () => {
    const root = await project(DECKS)
    const noCache = await buildProject(root, { cache: false })
    expect(noCache.rendered).toBe(3)
    expect(await readdir(root)).not.toContain('.marp-site-cache')

    await buildProject(root)
    const renders = path.join(root, '.marp-site-cache', 'renders')
    for (const name of await readdir(renders)) await writeFile(path.join(renders, name), '{"key": "not it", "val')
    await writeFile(path.join(root, 'slides/a.md'), '# Alpha again')
    const rebuilt = await buildProject(root)
    expect(rebuilt.rendered).toBe(3)
    expect(await tree(path.join(root, 'dist'))).toEqual(await cleanSerialBuild(root))
  })
})

describe('the render cache', () => {
  it('keeps each distinct deck stylesheet once, and renders again when a kept stylesheet is gone', async () => {
    const root = await project({ ...DECKS, 'slides/d.md': '# Delta\n\nSame theme as Bravo.', 'slides/e.md': '# Echo' })
    await buildProject(root)
    const sheets = new Set(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((slug) => cssOf(root, slug))))
    expect(sheets.size).toBeLessThan(5)
    const stylesDir = path.join(root, '.marp-site-cache', 'styles')
    const styles = await readdir(stylesDir)
    expect(styles).toHaveLength(sheets.size)
    // No render entry carries a stylesheet itself.
    const renders = path.join(root, '.marp-site-cache', 'renders')
    const pieces = [...sheets].map((css) => css.slice(css.length / 2, css.length / 2 + 200))
    for (const name of await readdir(renders)) {
      const entry = await readFile(path.join(renders, name), 'utf8')
      for (const piece of pieces) expect(entry).not.toContain(JSON.stringify(piece).slice(1, -1))
    }

    for (const name of styles) await rm(path.join(stylesDir, name))
    await writeFile(path.join(root, 'slides/a.md'), '# Alpha again')
    const rebuilt = await buildProject(root)
    expect(rebuilt.rendered).toBe(5)
    expect(await tree(path.join(root, 'dist'))).toEqual(await cleanSerialBuild(root))
  })
})

async function cssOf(root: string, slug: string): Promise<string> {
  const html = await readOut(root, `${slug}/index.html`)
  const href = /href="(\.\.\/_assets\/css\/[0-9a-f]+\.css)"/.exec(html)?.[1]
  if (!href) throw new Error(`no deck stylesheet in ${slug}/index.html`)
  return readFile(path.join(root, 'dist', slug, href), 'utf8')
}

describe('links between decks', () => {
  it('point at the linked deck’s page, slide included; a link to a missing deck is a broken-link problem until it exists', async () => {
    const root = await project({
      'slides/a.md': '# A\n\nSee [the B talk](b.md), [its third slide](b.md#3),\n[the nested one](nested/c.md) and [a lost one](gone.md).',
      'slides/b.md': '# B',
      'slides/nested/c.md': '# C\n\nBack to [A](../a.md).',
    })
    const first = await buildProject(root)
    const a = await readOut(root, 'a/index.html')
    expect(a).toContain('href="../b/index.html"')
    expect(a).toContain('href="../b/index.html#3"')
    expect(a).toContain('href="../nested/c/index.html"')
    expect(a).toContain('href="gone.md"')
    expect(await readOut(root, 'nested/c/index.html')).toContain('href="../../a/index.html"')
    expect(first.problems.map((p) => [p.file, p.line, p.rule, p.severity])).toEqual([['slides/a.md', 4, 'broken-link', 'error']])
    expect(first.problems[0]?.message).toContain('gone.md')

    await writeFile(path.join(root, 'slides/gone.md'), '# Found again')
    const second = await buildProject(root)
    expect(second.upToDate).toBe(false)
    expect(second.problems).toEqual([])
    expect(await readOut(root, 'a/index.html')).toContain('href="../gone/index.html"')
  })
})
