import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildProject, project, readOut } from './helpers/project.js'

describe('templates', () => {
  it('lets a project restyle the index without touching src/', async () => {
    const root = await project({
      'slides/a.md': '---\ntitle: Deck A\n---\n# A',
      'templates/index.liquid':
        '<!DOCTYPE html><title>{{ site.title }}</title>\n<ol>{% for deck in decks %}<li><a href="{{ deck.href }}">{{ deck.title }}</a> ({{ deck.slides }})</li>{% endfor %}</ol>\n',
      'marp-site.config.json': '{ "title": "My <talks>" }',
    })
    await buildProject(root)
    const index = await readOut(root, 'index.html')
    expect(index).toBe('<!DOCTYPE html><title>My &lt;talks&gt;</title>\n<ol><li><a href="a/index.html">Deck A</a> (1)</li></ol>\n')
    // The deck page still comes from the built-in template.
    expect(await readOut(root, 'a/index.html')).toContain('<div class="marpit">')
  })

  it('lets a project wrap every page by overriding the layout', async () => {
    const root = await project({
      'slides/a.md': '# A',
      'templates/layout.liquid':
        '<!DOCTYPE html><html lang="{{ lang | default: site.lang }}"><head><title>{{ title }}</title>{% for href in page.css %}<link rel="stylesheet" href="{{ href }}">{% endfor %}{% block head %}{% endblock %}</head><body><nav class="company-bar">ACME talks</nav>{% block body %}{% endblock %}</body></html>',
    })
    await buildProject(root)
    expect(await readOut(root, 'a/index.html')).toContain('<nav class="company-bar">ACME talks</nav>')
    expect(await readOut(root, 'index.html')).toContain('<nav class="company-bar">ACME talks</nav>')
  })

  it('gives every page an icon, the theme colour and the deck author, and lets a project bring its own icon', async () => {
    const deck = '---\ntitle: Talk\nauthor: Ada Lovelace\n---\n\n# Talk'
    const plain = await project({ 'slides/talks/a.md': deck })
    await buildProject(plain)
    const page = await readOut(plain, 'talks/a/index.html')
    // marp-site's own icon is inline: no page requests an icon file (the browser's default would 404).
    expect(page).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/)
    expect(page).toContain('<meta name="theme-color" content="#c2410c">')
    expect(page).toContain('<meta name="author" content="Ada Lovelace">')

    const own = await project({
      'slides/talks/a.md': deck,
      'brand/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'marp-site.config.json': JSON.stringify({ favicon: 'brand/icon.svg', themeColor: 'teal' }),
    })
    await buildProject(own)
    const href = /<link rel="icon" href="([^"]+)">/.exec(await readOut(own, 'talks/a/index.html'))?.[1] ?? ''
    expect(href).toMatch(/^\.\.\/\.\.\/_assets\/favicon\.[0-9a-f]{12}\.svg$/)
    expect(await readOut(own, path.posix.join('talks/a', href))).toContain('<svg')
    expect(await readOut(own, 'index.html')).toContain(`<link rel="icon" href="${href.replace('../../', '')}">`)
    expect(await readOut(own, 'index.html')).toContain('<meta name="theme-color" content="teal">')

    const missing = await project({ 'slides/a.md': '# A', 'marp-site.config.json': JSON.stringify({ favicon: 'nope.png' }) })
    await expect(buildProject(missing)).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('favicon: nope.png is not a file') })
  })

  it('escapes deck metadata in the built-in templates', async () => {
    const root = await project({ 'slides/x.md': '---\ntitle: "<script>alert(1)</script>"\ndescription: a "quoted" & <b>bold</b> text\n---\n# x' })
    await buildProject(root)
    const index = await readOut(root, 'index.html')
    expect(index).not.toContain('<script>alert(1)')
    expect(index).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(index).toContain('a &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt; text')
  })

  it.each([
    ['a syntax error', 'deck.liquid', '<html>\n<body>\n{% if deck.title %}\n<h1>{{ deck.title }}</h1>\n', /^templates\/deck\.liquid:3: /],
    ['an unknown filter', 'index.liquid', '<ul>\n{{ site.title | shout }}\n</ul>\n', /^templates\/index\.liquid:2: undefined filter: shout/],
    ['a missing layout', 'thumb.liquid', "{% layout 'nope.liquid' %}\n", /^templates\/thumb\.liquid:1: /],
  ])('names the template file and line for %s', async (_, name, content, message) => {
    const root = await project({ 'slides/a.md': '# a' })
    await mkdir(path.join(root, 'templates'), { recursive: true })
    await writeFile(path.join(root, 'templates', name), content)
    await expect(buildProject(root)).rejects.toMatchObject({ code: 'TEMPLATE', message: expect.stringMatching(message) })
  })
})
