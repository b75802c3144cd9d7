import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BuildResult } from '../src/build/index.js'
import { build, workersFor } from '../src/build/index.js'
import { resolveConfig } from '../src/config/resolve.js'
import { buildProject, exists, project, readManifest, readOut, REPO, slideCount, SLOW_DECK, unbuildable } from './helpers/project.js'

const MATH_DECK = '# Math\n\n$x^2 + y^2$\n\n$$\n\\frac{a}{b}\n$$'

/** Every local URL (src, href, url()) in the built HTML and CSS, resolved against its file. */
async function localLinks(outDir: string): Promise<{ from: string; url: string; file: string }[]> {
  const links: { from: string; url: string; file: string }[] = []
  const walk = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true })
    const files = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])))
    return files.flat()
  }
  for (const file of await walk(outDir)) {
    if (!/\.(html|css)$/.test(file)) continue
    const text = await readFile(file, 'utf8')
    for (const m of text.matchAll(/(?:src|href)="([^"]+)"|url\((?:&quot;|['"])?([^'")&]+)/g)) {
      const url = (m[1] ?? m[2] ?? '').replace(/[?#].*$/, '')
      if (url === '' || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) continue
      links.push({ from: path.relative(outDir, file), url, file: path.join(path.dirname(file), decodeURIComponent(url)) })
    }
  }
  return links
}

describe('building the fixture site', () => {
  // One build of the fixture site, read by the tests that only look at what it wrote.
  let root: string
  let result: BuildResult
  beforeAll(async () => {
    root = await project({}, 'site')
    result = await buildProject(root)
  })

  it('writes a page per deck at a pretty URL, an index and the manifest', async () => {
    const remote = {
      deck: 'intro',
      file: 'slides/intro.md',
      line: 30,
      rule: 'external-request',
      severity: 'warning',
      message: 'https://example.com/remote.png is fetched from outside the site; the page needs a network to show it',
    }
    expect(result.problems).toEqual([expect.objectContaining({ file: 'slides/intro.md', line: 30, rule: 'external-request', severity: 'warning' })])
    const manifest = await readManifest(root)
    expect(manifest.generator).toMatch(/^marp-site \d+\.\d+\.\d+$/)
    expect(manifest.decks.map((d) => d.slug)).toEqual(['draft', 'intro', 'nested/deep-talk', 'undated'])
    expect(manifest.decks.find((d) => d.slug === 'intro')).toEqual({
      slug: 'intro',
      source: 'slides/intro.md',
      title: 'Intro talk',
      description: 'The first deck of the fixture site',
      slides: 3,
      html: 'intro/index.html',
      pdf: null,
      images: null,
      pptx: null,
      problems: [remote],
    })
    expect(manifest.decks.find((d) => d.slug === 'nested/deep-talk')).toMatchObject({
      source: 'slides/nested/Deep Talk.md',
      html: 'nested/deep-talk/index.html',
      slides: 1,
    })
    expect(slideCount(await readOut(root, 'intro/index.html'))).toBe(3)
    expect(slideCount(await readOut(root, 'nested/deep-talk/index.html'))).toBe(1)
  })

  it('lists every deck but drafts on the index, newest first, with what the front-matter gives', async () => {
    const index = await readOut(root, 'index.html')
    const cards = index.split('<li class="ms-card" data-slug="').slice(1)
    // The top folder's decks first, newest first, then each folder's decks as a section of their own.
    expect(cards.map((c) => c.slice(0, c.indexOf('"')))).toEqual(['intro', 'undated', 'nested/deep-talk'])
    const intro = cards[0] ?? ''
    expect(intro).toContain('<a href="intro/index.html">Intro talk</a>')
    expect(intro).toContain('The first deck of the fixture site')
    expect(intro).toContain('<time datetime="2026-03-01">2026-03-01</time>')
    // Tags are filters of the index (?tag=…).
    expect(intro).toContain('<li><a href="?tag=alpha" data-tag="alpha">alpha</a></li><li><a href="?tag=beta" data-tag="beta">beta</a></li>')
    expect(intro).toContain('3 slides')
    expect(intro).toMatch(/<iframe class="ms-thumb" src="intro\/thumb.html"/)
    expect(index).not.toContain('Work in progress')
    // The draft is still built.
    expect(slideCount(await readOut(root, 'draft/index.html'))).toBe(1)
    // The thumbnail is the first slide, alone.
    const thumb = await readOut(root, 'intro/thumb.html')
    expect(slideCount(thumb)).toBe(1)
    expect(thumb).toContain('<h1 id="intro">Intro</h1>')
  })

  it('copies the local files decks refer to, and only those, so that every local link resolves', async () => {
    const out = path.join(root, 'dist')
    for (const file of [
      'intro/images/dot.svg',
      'intro/images/bg.svg',
      'intro/images/texture.svg',
      'intro/images/photo.svg',
      'intro/images/with space.svg',
      'intro/_files/assets/logo.svg',
    ]) {
      expect(await exists(path.join(out, file)), file).toBe(true)
    }
    expect(await exists(path.join(out, 'intro/images/unused.svg'))).toBe(false)
    const links = await localLinks(out)
    expect(links.length).toBeGreaterThan(10)
    const dangling = []
    for (const link of links) if (!(await exists(link.file))) dangling.push(link)
    expect(dangling).toEqual([])
    // Remote URLs are left as written.
    expect(await readOut(root, 'intro/index.html')).toContain('src="https://example.com/remote.png"')
  })

  it('serves KaTeX fonts and emoji from the site itself', async () => {
    const root = await project({ 'slides/katex.md': `---\nmath: katex\n---\n${MATH_DECK}` }, 'site')
    await buildProject(root)
    const out = path.join(root, 'dist')
    expect(await exists(path.join(out, '_assets/katex/KaTeX_Main-Regular.woff2'))).toBe(true)
    expect(await exists(path.join(out, '_assets/twemoji/svg/1f389.svg'))).toBe(true)
    const page = await readOut(root, 'nested/deep-talk/index.html')
    expect(page).toContain('src="../../_assets/twemoji/svg/1f389.svg"')
    for (const file of ['index.html', 'intro/index.html', 'undated/index.html', 'nested/deep-talk/index.html', 'katex/index.html']) {
      const html = await readOut(root, file)
      expect(html).not.toMatch(/cdn\.jsdelivr|unpkg\.com|fonts\.googleapis/)
    }
  })

  it('removes the pages of deleted decks on the next build', async () => {
    const root = await project({}, 'site')
    await buildProject(root)
    expect(await exists(path.join(root, 'dist/undated/index.html'))).toBe(true)
    await rm(path.join(root, 'slides/undated.md'))
    await buildProject(root)
    expect(await exists(path.join(root, 'dist/undated'))).toBe(false)
    expect((await readManifest(root)).decks.map((d) => d.slug)).not.toContain('undated')
  })

  it('leaves no staging folders behind', async () => {
    // The second build of the shared project (the first was in beforeAll).
    await buildProject(root)
    expect((await readdir(root)).sort()).toEqual(['.marp-site-cache', 'assets', 'dist', 'slides'])
  })

  it('builds an empty but valid site from an empty slides dir', async () => {
    const root = await project({ 'slides/.keep': '' })
    const result = await buildProject(root)
    expect(result.decks).toEqual([])
    expect(await readOut(root, 'index.html')).toContain('No decks yet')
    expect((await readManifest(root)).decks).toEqual([])
  })

  it('is reproducible: the same input gives the same bytes, whatever the machine locale', async () => {
    const root = await project({}, 'site')
    const before = process.env['LANG']
    process.env['LANG'] = 'de_DE.UTF-8'
    try {
      await buildProject(root)
    } finally {
      process.env['LANG'] = before
    }
    const first = await readOut(root, 'index.html')
    expect(first).toContain('<html lang="en">')
    await buildProject(root)
    expect(await readOut(root, 'index.html')).toBe(first)
    expect(await readOut(root, 'intro/index.html')).toContain('<html lang="en">')
  })

  it('takes the page lang from the deck, else the config', async () => {
    const root = await project({ 'slides/fr.md': '---\nlang: fr\n---\n# Bonjour', 'slides/de.md': '# Hallo', 'marp-site.config.json': '{"lang": "de"}' })
    await buildProject(root)
    expect(await readOut(root, 'fr/index.html')).toContain('<html lang="fr">')
    expect(await readOut(root, 'de/index.html')).toContain('<html lang="de">')
  })

  it('links deck URLs with spaces, unicode, # and ? correctly', async () => {
    const root = await project({ 'slides/Café #1?.md': '# Café', 'slides/my talk.md': '# Talk' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    const slugs = (await readManifest(root)).decks.map((d) => d.slug)
    expect(slugs).toEqual(['café-1', 'my-talk'])
    const index = await readOut(root, 'index.html')
    expect(index).toContain('href="caf%C3%A9-1/index.html"')
    expect(await exists(path.join(root, 'dist', 'café-1', 'index.html'))).toBe(true)
  })
})

describe('bad input: each problem names the file, the other decks still build', () => {
  const good = '---\ntitle: Good\n---\n# Good deck'

  it('builds a deck whose front-matter is not YAML, as marp-core renders it, with a warning at the line', async () => {
    const root = await project({ 'slides/good.md': good, 'slides/bad.md': '---\ntitle: [unclosed\nfooter: f\n---\n# Bad\n\n---\n\n# Still here' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([expect.objectContaining({ file: 'slides/bad.md', line: 2, rule: 'front-matter', severity: 'warning' })])
    const manifest = await readManifest(root)
    expect(manifest.decks.map((d) => d.slug)).toEqual(['bad', 'good'])
    expect(manifest.decks[0]).toMatchObject({ title: 'Bad', slides: 2, html: 'bad/index.html' })
    expect(manifest.decks[0]?.problems).toEqual([expect.objectContaining({ deck: 'bad', line: 2, rule: 'front-matter', severity: 'warning' })])
    expect(slideCount(await readOut(root, 'bad/index.html'))).toBe(2)
    expect(await readOut(root, 'index.html')).toContain('bad/index.html')
  })

  it('builds a deck with `footer: @someone` (a value YAML reserves, which Marp reads loosely)', async () => {
    const root = await project({ 'slides/at.md': '---\ntitle: @someone talks\nfooter: @someone\n---\n# At' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    expect((await readManifest(root)).decks).toEqual([expect.objectContaining({ slug: 'at', title: '@someone talks', slides: 1 })])
    expect(await readOut(root, 'at/index.html')).toContain('<footer>@someone</footer>')
  })

  it('reports an unknown theme with file and line, and renders with the default theme', async () => {
    const root = await project({ 'slides/good.md': good, 'slides/t.md': '---\ntitle: T\ntheme: no-such-theme\n---\n# T' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([expect.objectContaining({ file: 'slides/t.md', line: 3, rule: 'unknown-theme', severity: 'error' })])
    expect(await readOut(root, 't/index.html')).toContain('<h1 id="t">T</h1>')
  })

  it('reports a missing image with deck, line and path', async () => {
    const root = await project({ 'slides/good.md': good, 'slides/m.md': '# M\n\nText\n\n![a chart](pics/missing.png)\n' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'slides/m.md', line: 5, rule: 'missing-asset', severity: 'error', message: expect.stringContaining('pics/missing.png') }),
    ])
    expect(slideCount(await readOut(root, 'm/index.html'))).toBe(1)
  })

  it('refuses references that escape the project, absolute paths and symlinks out of the root', async () => {
    const outside = await project({ 'secret.png': 'secret' })
    const root = await project({
      'slides/good.md': good,
      'slides/e.md': '# E\n\n![x](../../../../../../etc/passwd)\n\n![x](/etc/hostname)\n\n![x](link.png)\n',
    })
    const { symlink } = await import('node:fs/promises')
    await symlink(path.join(outside, 'secret.png'), path.join(root, 'slides/link.png'))
    const result = await buildProject(root)
    expect(result.problems.map((p) => [p.file, p.line, p.rule])).toEqual([
      ['slides/e.md', 3, 'unsafe-path'],
      ['slides/e.md', 5, 'unsafe-path'],
      ['slides/e.md', 7, 'unsafe-path'],
    ])
    const files = await readdir(path.join(root, 'dist/e'), { recursive: true })
    expect(files.sort()).toEqual(['index.html', 'thumb.html'])
  })

  it('warns about an empty file and builds it', async () => {
    const root = await project({ 'slides/good.md': good, 'slides/empty.md': '' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([expect.objectContaining({ file: 'slides/empty.md', rule: 'empty-slide', severity: 'warning' })])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['empty', 'good'])
  })

  it('refuses binary and non-UTF-8 files named .md', async () => {
    const root = await project({
      'slides/good.md': good,
      'slides/binary.md': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
      'slides/latin1.md': new Uint8Array([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a]),
    })
    const result = await buildProject(root)
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'slides/binary.md', rule: 'encoding', message: expect.stringContaining('binary') }),
      expect.objectContaining({ file: 'slides/latin1.md', rule: 'encoding', message: expect.stringContaining('not UTF-8') }),
    ])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['good'])
  })

  it('takes a deck deleted between listing and reading as gone, not as a deck that cannot be read', async () => {
    const { discoverDecks, readDeck } = await import('../src/discover/decks.js')
    const root = await project({ 'slides/stays.md': '# Stays', 'slides/goes.md': '# Goes' })
    const listed = await discoverDecks(root, path.join(root, 'slides'))
    await rm(path.join(root, 'slides/goes.md'))
    const reads = await Promise.all(listed.decks.map((deck) => readDeck(deck)))
    expect(reads.map((r) => (r.ok ? 'ok' : r.gone ? 'gone' : r.problem.rule))).toEqual(['gone', 'ok'])
    // A deck that is there but cannot be read (here a folder with a deck's name, which fails for root
    // too) is still a problem, not gone.
    await mkdir(path.join(root, 'slides/goes.md'))
    const [first] = listed.decks
    if (!first) throw new Error('the deck was not listed')
    const unreadable = await readDeck(first)
    expect(unreadable).toMatchObject({ ok: false, problem: { rule: 'read-error' } })
    expect(unreadable).not.toHaveProperty('gone')
  })

  it('reads a UTF-8 file with a BOM like one without', async () => {
    const root = await project({ 'slides/bom.md': '\ufeff---\ntitle: With BOM\n---\n# Hi' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    expect(result.decks[0]?.title).toBe('With BOM')
  })

  it.each([
    ['a.md', 'a.markdown'],
    ['A.md', 'a.md'],
  ])('reports %s and %s mapping to the same page, naming both', async (first, second) => {
    const root = await project({ 'slides/good.md': good, [`slides/${first}`]: '# one', [`slides/${second}`]: '# two' })
    const result = await buildProject(root)
    const conflict = result.problems.find((p) => p.rule === 'slug-conflict')
    expect(conflict?.severity).toBe('error')
    expect(conflict?.message).toContain(`slides/${[first, second].sort()[0]}`)
    expect(conflict?.file).toBe(`slides/${[first, second].sort()[1]}`)
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['a', 'good'])
  })

  it('survives a symlink loop under slides/', async () => {
    const root = await project({ 'slides/good.md': good })
    const { symlink } = await import('node:fs/promises')
    await mkdir(path.join(root, 'slides/sub'))
    await symlink(path.join(root, 'slides'), path.join(root, 'slides/sub/loop'))
    const result = await buildProject(root)
    expect(result.decks.map((d) => d.slug)).toEqual(['good'])
  })

  it('reports a deck that is a symlink to nothing, and builds the others', async () => {
    const root = await project({ 'slides/good.md': good })
    const { symlink } = await import('node:fs/promises')
    await symlink('gone.md', path.join(root, 'slides/dangling.md'))
    const result = await buildProject(root)
    expect(result.decks.map((d) => d.slug)).toEqual(['good'])
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: 'slides/dangling.md',
        rule: 'read-error',
        severity: 'error',
        message: 'is a symlink to gone.md, which does not exist; not built',
      }),
    ])
  })

  it('errors clearly on a missing slides dir and writes nothing', async () => {
    const root = await project({ 'README.md': 'x' })
    await expect(buildProject(root)).rejects.toMatchObject({ code: 'INPUT', message: expect.stringContaining('Slides dir not found: slides') })
    expect(await exists(path.join(root, 'dist/index.html'))).toBe(false)
  })

  it('keeps the last good page of a deck that breaks, and reports it', async () => {
    const root = await project({ 'slides/good.md': good, 'slides/talk.md': '---\ntitle: Talk\n---\n# Talk v1' })
    await buildProject(root)
    await writeFile(path.join(root, 'slides/talk.md'), unbuildable('---\ntitle: Talk\n---\n# Talk v2'))
    await writeFile(path.join(root, 'slides/good.md'), '---\ntitle: Good\n---\n# Good deck v2')
    const result = await buildProject(root)
    expect(result.kept).toEqual(['slides/talk.md'])
    expect(await readOut(root, 'talk/index.html')).toContain('Talk v1')
    expect(await readOut(root, 'good/index.html')).toContain('Good deck v2')
    const manifest = await readManifest(root)
    expect(manifest.decks.find((d) => d.slug === 'talk')?.problems).toEqual([expect.objectContaining({ deck: 'talk', rule: 'encoding', severity: 'error' })])
    expect(await readOut(root, 'index.html')).toContain('talk/index.html')
  })
})

describe('a failed build leaves the previous site intact', () => {
  it('on a template syntax error, naming the template file and line', async () => {
    const root = await project({}, 'site')
    await buildProject(root)
    const before = await readOut(root, 'index.html')
    await mkdir(path.join(root, 'templates'))
    await writeFile(path.join(root, 'templates/index.liquid'), '<h1>{{ site.title }}</h1>\n<ul>\n{% for deck in decks %}\n<li>{{ deck.title }</li>\n')
    await expect(buildProject(root)).rejects.toMatchObject({ code: 'TEMPLATE', message: expect.stringMatching(/^templates\/index\.liquid:\d+: /) })
    expect(await readOut(root, 'index.html')).toBe(before)
  })

  it('when the build is aborted (Ctrl-C) halfway', async () => {
    const root = await project({}, 'site')
    await buildProject(root)
    const before = await readOut(root, 'manifest.json')
    await writeFile(path.join(root, 'slides/new.md'), '# New')
    const controller = new AbortController()
    const config = await resolveConfig({ root, pdf: false })
    await expect(
      build(config, { signal: controller.signal, onProgress: ({ phase, done }) => phase === 'render' && done === 2 && controller.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(await readOut(root, 'manifest.json')).toBe(before)
    expect((await readdir(root)).sort()).toEqual(['.marp-site-cache', 'assets', 'dist', 'slides'])
  })

  it('refuses to replace an out dir that marp-site did not make', async () => {
    const root = await project({ 'slides/a.md': '# A', 'dist/precious.txt': 'mine' })
    await expect(buildProject(root)).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('not made by marp-site') })
    expect(await readFile(path.join(root, 'dist/precious.txt'), 'utf8')).toBe('mine')
  })
})

describe('decks on Marpit slow paths', () => {
  it('stops a deck that renders past the time limit, reports it, and builds the others', async () => {
    const root = await project({
      'slides/ok.md': '# Fine',
      'slides/slow.md': SLOW_DECK,
      'marp-site.config.json': '{ "renderTimeout": 1 }',
    })
    const result = await buildProject(root)
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'slides/slow.md', rule: 'render-error', severity: 'error', message: expect.stringContaining('render exceeded 1 s') }),
    ])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['ok'])
  })

  it('renders big and deep input (a 1000×200 table, a 100,000-item list, 2,000 slides, quotes 5,000 deep) without a stack overflow', async () => {
    const row = `|${' x |'.repeat(200)}`
    const table = [row, `|${' --- |'.repeat(200)}`, ...Array.from({ length: 1000 }, () => row)].join('\n')
    const root = await project({
      'slides/ok.md': '# Fine',
      'slides/table.md': `# Big table\n\n${table}`,
      'slides/list.md': `# Long list\n\n${'- item\n'.repeat(100_000)}`,
      'slides/many.md': Array.from({ length: 2000 }, (_, i) => `# Slide ${i + 1}`).join('\n\n---\n\n'),
      'slides/deep.md': `# Deep\n\n${'> '.repeat(5000)}bottom\n\n${Array.from({ length: 500 }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`).join('\n')}`,
      // Generous: the table and the list take 2–3 s each here, more on a loaded machine.
      'marp-site.config.json': '{ "renderTimeout": 120 }',
    })
    const result = await buildProject(root)
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect((await readManifest(root)).decks.map((d) => [d.slug, d.slides])).toEqual([
      ['deep', 1],
      ['list', 1],
      ['many', 2000],
      ['ok', 1],
      ['table', 1],
    ])
    // Past markdown-it's nesting limit the rest is dropped, as marp-core does, and the deck says where.
    expect(await readOut(root, 'deep/index.html')).toContain('<blockquote>')
    // The quotes on line 3; the list (from line 5) at its tenth level.
    expect(result.problems.filter((p) => p.rule === 'too-deep')).toMatchObject([
      { file: 'slides/deep.md', line: 3, severity: 'warning' },
      { file: 'slides/deep.md', line: 14, severity: 'warning' },
    ])
    expect((await readOut(root, 'table/index.html')).split('<td>x</td>').length - 1).toBe(200_000)
  }, 90_000)
})

/** A render pool of one worker thread with the site's themes, and each deck limited to `timeoutMs`. */
async function onePool(timeoutMs: number) {
  const { createRenderPool } = await import('../src/render/pool.js')
  const { discoverThemes } = await import('../src/discover/themes.js')
  const { themes } = await discoverThemes(REPO, path.join(REPO, 'themes'), path.join(REPO, 'themes'))
  // KaTeX, which the warm-up has run: these tests time decks against tight limits, and MathJax (the
  // default) loads on a worker's first formula (lazy-mathjax.ts) and typesets about 3× slower.
  const keyed = { key: 'site themes', setup: { themes, defaultTheme: 'marp-site', marp: { math: 'katex' as const } } }
  return { keyed, pool: createRenderPool(keyed, { timeoutMs, threads: 1 }) }
}

describe('render time limit', () => {
  it('counts each deck’s own render, not its wait in the queue', async () => {
    // One worker, so decks queue; each takes a fraction of the limit, all together several times it.
    const { pool, keyed } = await onePool(2500)
    try {
      const markdown = Array.from({ length: 150 }, (_, i) => `## Slide ${i}\n\n- a point\n- $x^${i}$`).join('\n\n---\n\n')
      const started = Date.now()
      const results = await Promise.all(Array.from({ length: 240 }, (_, i) => pool.render({ markdown, source: `slides/d${i}.md`, slug: `d${i}` }, keyed)))
      expect(Date.now() - started).toBeGreaterThan(2500)
      expect(results.filter((r) => !r.ok)).toEqual([])
    } finally {
      await pool.close()
    }
  }, 120_000)
})

describe('after a render is stopped', () => {
  it('warms the replacement worker up before the next deck’s clock starts', async () => {
    // A limit far above a warm render of a small deck, and below what a fresh worker takes to load
    // marp-core, build its engine and render for the first time.
    const { pool, keyed } = await onePool(400)
    try {
      const stuck = await pool.render({ markdown: SLOW_DECK, source: 'slides/slow.md', slug: 'slow' }, keyed)
      expect(stuck.ok ? [] : stuck.problems.map((p) => p.rule)).toEqual(['render-error'])
      const next = await pool.render({ markdown: '# Next\n\n$x^2$\n\n```js\nconst y = 2\n```', source: 'slides/next.md', slug: 'next' }, keyed)
      expect(next.ok ? next.deck.slides.length : next.problems).toBe(1)
    } finally {
      await pool.close()
    }
  }, 60_000)
})

describe('what counts as a deck', () => {
  it("skips READMEs, _-prefixed files and folders, dotfiles and the config's exclude globs; an empty deck is built but gets no card", async () => {
    const root = await project({
      'slides/talk.md': '# Talk',
      'slides/README.md': '# About these slides',
      'slides/sub/readme.md': '# About this folder',
      'slides/_partial.md': '# A partial',
      'slides/_drafts/idea.md': '# An idea',
      'slides/.hidden.md': '# Hidden',
      'slides/notes/todo.md': '# To do',
      'slides/empty.md': '---\ntitle: Nothing yet\n---\n',
      'marp-site.config.json': JSON.stringify({ exclude: ['notes/**'] }),
    })
    const result = await buildProject(root)
    expect((await readManifest(root)).decks.map((d) => d.source)).toEqual(['slides/empty.md', 'slides/talk.md'])
    expect(result.problems).toContainEqual(expect.objectContaining({ file: 'slides/empty.md', rule: 'empty-slide', severity: 'warning' }))
    const index = await readOut(root, 'index.html')
    expect(index).toContain('data-slug="talk"')
    expect(index).not.toContain('data-slug="empty"')
    expect(await exists(path.join(root, 'dist/empty/index.html'))).toBe(true)
  })
})

describe('which page a deck with errors gets', () => {
  it('publishes a deck built with errors as it now is, and keeps the last good page of one that could not be built', async () => {
    const root = await project({
      'slides/img.md': '# Before\n\n![a dot](dot.svg)',
      'slides/dot.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'slides/talk.md': '# Talk v1',
    })
    await buildProject(root)
    // A missing image: built as it is now (the new heading shows), the error listed.
    await writeFile(path.join(root, 'slides/img.md'), '# After\n\n![a dot](gone.svg)')
    // Not UTF-8: not built, its last good page kept.
    await writeFile(path.join(root, 'slides/talk.md'), unbuildable('# Talk v2'))
    const result = await buildProject(root)
    expect(await readOut(root, 'img/index.html')).toContain('After')
    expect(result.problems).toContainEqual(expect.objectContaining({ file: 'slides/img.md', rule: 'missing-asset', severity: 'error' }))
    expect(await readOut(root, 'talk/index.html')).toContain('Talk v1')
    expect(result.kept).toEqual(['slides/talk.md'])
  })
})

describe('a kept page keeps its look', () => {
  it('carries over the shared CSS and fonts the kept page links, even when no other deck uses them', async () => {
    const root = await project({ 'slides/talk.md': '---\ntitle: Talk\n---\n# Talk\n\n$x^2$', 'slides/other.md': '# Other' })
    await buildProject(root)
    await writeFile(path.join(root, 'slides/talk.md'), unbuildable('# Talk'))
    await writeFile(path.join(root, 'slides/other.md'), '---\ntheme: gaia\n---\n# Other, now in another theme')
    const result = await buildProject(root)
    expect(result.kept).toEqual(['slides/talk.md'])
    const out = path.join(root, 'dist')
    const links = await localLinks(out)
    const dangling = []
    for (const link of links) if (!(await exists(link.file))) dangling.push(`${link.from} → ${link.url}`)
    expect(dangling).toEqual([])
    expect(links.some((l) => l.from === path.join('talk', 'index.html') && l.url.includes('_assets/css/'))).toBe(true)
  })
})

describe('a deck with decks nested in its folder', () => {
  it('keeps only its own page when it fails, not a nested deck deleted at the same time', async () => {
    const root = await project({ 'slides/talks.md': '# Talks', 'slides/talks/intro.md': '# Intro', 'slides/talks/outro.md': '# Outro' })
    await buildProject(root)
    expect(await exists(path.join(root, 'dist/talks/intro/index.html'))).toBe(true)
    await writeFile(path.join(root, 'slides/talks.md'), unbuildable('# Talks'))
    await rm(path.join(root, 'slides/talks/intro.md'))
    const result = await buildProject(root)
    expect(result.kept).toEqual(['slides/talks.md'])
    expect(await exists(path.join(root, 'dist/talks/index.html'))).toBe(true)
    expect(await exists(path.join(root, 'dist/talks/intro'))).toBe(false)
    expect(await exists(path.join(root, 'dist/talks/outro/index.html'))).toBe(true)
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['talks', 'talks/outro'])
  })
})

describe('render workers', () => {
  it('leave a core to the main thread, start only as many as there are decks to render, and take two on two cores for big sites', () => {
    expect([workersFor(1, 2), workersFor(50, 2), workersFor(199, 2), workersFor(200, 2), workersFor(500, 2)]).toEqual([1, 1, 1, 2, 2])
    expect([workersFor(3, 8), workersFor(50, 8), workersFor(500, 8)]).toEqual([3, 7, 7])
    expect([workersFor(50, 1), workersFor(500, 1)]).toEqual([1, 1])
  })

  it('typesets math with MathJax by default, as marp-core does: inline SVG, no KaTeX fonts in the site', async () => {
    const root = await project({ 'slides/m.md': MATH_DECK })
    expect((await buildProject(root)).problems).toEqual([])
    const page = await readOut(root, 'm/index.html')
    expect(page).toMatch(/<mjx-container[^>]*>\s*<svg/)
    expect(page).not.toContain('class="katex"')
    expect(await exists(path.join(root, 'dist/_assets/katex/KaTeX_Main-Regular.woff2'))).toBe(false)
  })

  it('typesets math with KaTeX, its fonts served from the site, for a deck with the `math: katex` directive', async () => {
    const root = await project({ 'slides/k.md': `---\nmath: katex\n---\n${MATH_DECK}`, 'slides/m.md': MATH_DECK })
    expect((await buildProject(root)).problems).toEqual([])
    const katex = await readOut(root, 'k/index.html')
    expect(katex).toContain('class="katex"')
    expect(katex).not.toContain('<mjx-container')
    expect(katex).not.toMatch(/cdn\.jsdelivr/)
    expect(await readOut(root, 'm/index.html')).toContain('<mjx-container')
    expect(await exists(path.join(root, 'dist/_assets/katex/KaTeX_Main-Regular.woff2'))).toBe(true)
  })

  it('typesets math with KaTeX when the config says `math: "katex"`, and MathJax with `"mathjax"`', async () => {
    const katex = await project({ 'slides/k.md': MATH_DECK, 'marp-site.config.json': '{ "marp": { "math": "katex" } }' })
    expect((await buildProject(katex)).problems).toEqual([])
    expect(await readOut(katex, 'k/index.html')).toContain('class="katex"')
    expect(await exists(path.join(katex, 'dist/_assets/katex/KaTeX_Main-Regular.woff2'))).toBe(true)
    const mathjax = await project({ 'slides/m.md': MATH_DECK, 'marp-site.config.json': '{ "marp": { "math": "mathjax" } }' })
    await buildProject(mathjax)
    expect(await readOut(mathjax, 'm/index.html')).toContain('<mjx-container')
  })
})
