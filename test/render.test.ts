import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { discoverThemes } from '../src/discover/themes.js'
import { Marp } from '@marp-team/marp-core'
import { renderDeck, type RenderedDeck } from '../src/render/deck.js'
import { MARPIT_DIRECTIVES } from '../src/render/directives.js'
import { createEngine, type Engine } from '../src/render/engine.js'
import { SITE_ROOT } from '../src/render/refs.js'
import type { MarpOptionsConfig } from '../src/config/schema.js'
import { REPO } from './helpers/project.js'

let themes: Awaited<ReturnType<typeof discoverThemes>>['themes']
beforeAll(async () => {
  themes = (await discoverThemes(REPO, path.join(REPO, 'themes'), path.join(REPO, 'themes'))).themes
})

function engine(marp: MarpOptionsConfig = {}, defaultTheme = 'marp-site'): Engine {
  return createEngine({ themes, defaultTheme, marp })
}

function render(markdown: string, e: Engine = engine(), source = 'slides/deck.md'): RenderedDeck {
  const result = renderDeck(e, { markdown, source, slug: 'deck' })
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.problems)}`)
  return result.deck
}

const text = (deck: RenderedDeck) => deck.slides.join('\n')

describe('the post-mortem talk', () => {
  it('presents one idea per slide: 7 slides, no empty one', async () => {
    const deck = render(await readFile(path.join(REPO, 'test/fixtures/samples/slides/post-mortem.md'), 'utf8'), engine(), 'slides/post-mortem.md')
    expect(deck.slides).toHaveLength(7)
    const headings = deck.slides.map((s) => /<h[12][^>]*>(.*?)<\/h[12]>/s.exec(s)?.[1]?.replace(/<[^>]+>/g, ''))
    expect(headings).toEqual([
      'What is a Software Post-Mortem and How Do You Write One?',
      'What is a post-mortem?',
      'Dos &amp; Donts',
      'What are the key points of a post-mortem template?',
      'An example: the career survey on forms post-mortem',
      'Resources',
      'Thank you!',
    ])
    expect(deck.meta.title).toBe('What is a Software Post-Mortem and How Do You Write One?')
    expect(deck.problems).toEqual([])
  })

  it('keeps the <style> block at its top: the centred-image rule is in the deck CSS', async () => {
    const deck = render(await readFile(path.join(REPO, 'test/fixtures/samples/slides/post-mortem.md'), 'utf8'))
    // Marpit scopes a deck's own styles to its slides.
    expect(deck.css).toMatch(/section img\[alt~=["']?center["']?\]\{display:block;margin:0 auto\}/)
  })

  it('without headingDivider (as first written) is two slides, the second holding everything', async () => {
    const deck = render(await readFile(path.join(REPO, 'test/fixtures/post-mortem-original/slides/post-mortem.md'), 'utf8'))
    expect(deck.slides).toHaveLength(2)
  })
})

describe('directives', () => {
  it('renders with and without `marp: true` alike', () => {
    const a = render('---\nmarp: true\n---\n# Hello\n\n---\n\n# Two')
    const b = render('# Hello\n\n---\n\n# Two')
    expect(a.slides).toHaveLength(2)
    expect(b.slides).toEqual(a.slides)
  })

  it('applies global, local and spot directives', () => {
    const deck = render(
      [
        '---',
        'paginate: true',
        'header: Top',
        'footer: Bottom',
        'class: invert',
        '---',
        '# One',
        '',
        '---',
        '',
        '<!-- _class: lead -->',
        '<!-- _paginate: false -->',
        '# Two',
        '',
        '---',
        '',
        '<!-- backgroundColor: #123456 -->',
        '# Three',
      ].join('\n'),
    )
    const [one, two, three] = deck.slides
    expect(one).toMatch(/class="invert"/)
    expect(one).toMatch(/data-paginate="true"/)
    expect(one).toMatch(/<header>Top<\/header>/)
    expect(one).toMatch(/<footer>Bottom<\/footer>/)
    expect(two).toMatch(/class="lead"/)
    expect(two).not.toMatch(/data-paginate="true"/)
    expect(three).toMatch(/background-color:#123456/)
  })

  it('uses marp-site as the default theme, and a theme directive picks any registered one', () => {
    expect(render('# a').meta.theme).toBe('marp-site')
    expect(render('---\ntheme: gaia\n---\n# a').slides[0]).toMatch(/data-theme="gaia"/)
    expect(render('<!-- theme: uncover -->\n# a').meta.theme).toBe('uncover')
  })

  it('reports an unknown theme with its line and renders with the default', () => {
    const deck = render('---\ntitle: x\ntheme: nope\n---\n# a')
    expect(deck.meta.theme).toBe('marp-site')
    expect(deck.problems).toEqual([expect.objectContaining({ rule: 'unknown-theme', severity: 'error', line: 3, file: 'slides/deck.md' })])
    const fromComment = render('# a\n\n<!-- theme: missing -->\n')
    expect(fromComment.problems).toEqual([expect.objectContaining({ rule: 'unknown-theme', line: 3 })])
  })

  it('supports 4:3 through the size directive of our theme', () => {
    const deck = render('---\nsize: 4:3\n---\n# a')
    expect(deck.meta).toMatchObject({ width: 960, height: 720 })
    expect(deck.slides[0]).toMatch(/viewBox="0 0 960 720"/)
  })

  it('reads the lang directive', () => {
    expect(render('---\nlang: fr\n---\n# a').meta.lang).toBe('fr')
  })

  it('collects speaker notes per slide', () => {
    const deck = render('# a\n\n<!-- first note -->\n\n---\n\n# b\n\n<!-- second -->\n<!-- more -->')
    expect(deck.notes).toEqual(['first note', 'second\n\nmore'])
  })
})

describe('Markdown features', () => {
  it('warns, with the line, where nesting deeper than markdown-it parses leaves content out', () => {
    const tooDeep = (deck: RenderedDeck) => deck.problems.filter((p) => p.rule === 'too-deep')
    // Nineteen quotes deep is parsed whole: no warning.
    const fine = render(`# A\n\n${'>'.repeat(19)} nineteen deep\n`)
    expect(text(fine)).toContain('nineteen deep')
    expect(tooDeep(fine)).toEqual([])
    // Twenty-five deep: the quote's text is gone, and the warning says where.
    const quotes = render(`# A\n\n${'>'.repeat(25)} twenty-five deep\n`)
    expect(text(quotes)).not.toContain('twenty-five deep')
    expect(tooDeep(quotes)).toMatchObject([{ line: 3, severity: 'warning', file: 'slides/deck.md' }])
    // A list nested 25 levels loses its deeper items and everything after, the next slide included.
    const items = Array.from({ length: 25 }, (_, i) => `${'  '.repeat(i)}- item ${i}`)
    const list = render(`# A\n\n${items.join('\n')}\n\nafter the list\n\n---\n\n# B\n`)
    expect(text(list)).toContain('item 0')
    expect(text(list)).not.toContain('after the list')
    const [warning] = tooDeep(list)
    expect(warning?.line).toBeGreaterThan(3)
    expect(warning?.line).toBeLessThan(3 + 25)
    expect(text(list)).not.toContain(`item ${(warning?.line ?? 0) - 3}`)
    expect(text(list)).toContain(`item ${(warning?.line ?? 0) - 4}`)
  })

  it('turns image syntax into sized images and backgrounds', () => {
    const deck = render('![w:200](a.png)\n\n---\n\n![bg](b.png)\n\n---\n\n![bg left:40%](c.png)\n\n# split')
    expect(deck.slides[0]).toMatch(/<img src="[^"]*a\.png" alt="" style="width:200px;"/)
    expect(deck.slides[1]).toMatch(/data-marpit-advanced-background="background"/)
    expect(deck.slides[1]).toMatch(/background-image:url\(&quot;[^&]*b\.png&quot;\)/)
    expect(deck.slides[2]).toMatch(/data-marpit-advanced-background-split="left"/)
    expect(deck.slides[2]).toMatch(/--marpit-advanced-background-split:40%/)
  })

  it('typesets math with MathJax by default, as marp-core does: inline SVG, nothing fetched', () => {
    const markdown = '# a\n\n$x^2$\n\n$$\n\\int_0^1 x\\,dx\n$$'
    const deck = render(markdown)
    expect(text(deck)).toMatch(/<mjx-container[^>]*>\s*<svg/)
    expect(text(deck)).not.toMatch(/class="katex"/)
    expect(deck.css).not.toMatch(/KaTeX|cdn\.jsdelivr|https?:\/\//)
    // marp-core's own default gives the same formulas.
    const formulas = (html: string) => html.match(/<mjx-container[\s\S]*?<\/mjx-container>/g)
    expect(formulas(text(deck))).toEqual(formulas(new Marp().render(markdown).html))
  })

  it.each([
    ['the `math: katex` directive', '---\nmath: katex\n---\n', {}],
    ['the config', '', { math: 'katex' }],
  ] as const)('typesets math with KaTeX, fonts from the site and not a CDN, by %s', (_, frontMatter, marp) => {
    const deck = render(`${frontMatter}# a\n\n$x^2$\n\n$$\n\\int_0^1 x\\,dx\n$$`, engine(marp))
    expect(text(deck)).toMatch(/class="katex"/)
    expect(text(deck)).not.toMatch(/<mjx-container/)
    expect(deck.css).toContain(`${SITE_ROOT}_assets/katex/KaTeX_Main-Regular.woff2`)
    expect(deck.css).not.toMatch(/cdn\.jsdelivr|https?:\/\//)
  })

  it('typesets math with MathJax when the config or a deck asks for it over KaTeX', () => {
    expect(text(render('$x^2$', engine({ math: 'mathjax' })))).toMatch(/<mjx-container/)
    expect(text(render('---\nmath: mathjax\n---\n$x^2$', engine({ math: 'katex' })))).toMatch(/<mjx-container/)
  })

  it('turns emoji into Twemoji images served by the site', () => {
    const deck = render('# hi :smile: 🎉')
    expect(text(deck)).toContain(`src="${SITE_ROOT}_assets/twemoji/svg/1f604.svg"`)
    expect(text(deck)).toContain(`src="${SITE_ROOT}_assets/twemoji/svg/1f389.svg"`)
    expect(text(deck)).not.toMatch(/cdn\.jsdelivr/)
  })

  it('highlights fenced code', () => {
    expect(text(render('```js\nconst a = 1\n```'))).toMatch(/<span class="hljs-keyword">const<\/span>/)
  })

  it('scopes <style scoped> to its slide and applies <style> to the deck', () => {
    const deck = render('<style>\nh1 { color: red }\n</style>\n\n# a\n\n---\n\n<style scoped>\nh1 { color: blue }\n</style>\n\n# b')
    expect(deck.css).toMatch(/> section :is\(h1, marp-h1\)\{color:red\}/)
    expect(deck.css).toMatch(/> section\[data-marpit-scope-[\w-]+\] :is\(h1, marp-h1\)\{color:blue\}/)
    expect(deck.slides[1]).toMatch(/data-marpit-scope-/)
  })

  it('keeps raw HTML inert by default: no script, no event handlers, no javascript: links', () => {
    const deck = render(
      '<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(1)">\n\n[x](javascript:alert(1))\n\n<iframe src="https://example.com"></iframe>',
    )
    const html = text(deck)
    // Disallowed HTML is shown as text, so only escaped forms may remain.
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<img[^>]*onerror/i)
    expect(html).not.toMatch(/href="javascript:/i)
    expect(html).not.toMatch(/<iframe/i)
    expect(html).toContain('&lt;script&gt;')
  })

  it('allows raw HTML when the config sets html: true', () => {
    // <button> is not in marp-core's allowlist: escaped by default, kept with html: true.
    expect(text(render('<button type="button">hi</button>', engine({ html: true })))).toContain('<button type="button">hi</button>')
    expect(text(render('<button type="button">hi</button>'))).toContain('&lt;button')
    // html: false escapes even the allowlisted tags.
    expect(text(render('<img src="x.png" alt="x">', engine({ html: false })))).toContain('&lt;img')
    expect(text(render('<img src="x.png" alt="x">'))).toMatch(/<img src="[^"]*x\.png" alt="x" \/>/)
  })

  it('does not split `---` inside code fences or comments', () => {
    const deck = render('# a\n\n```\n---\n```\n\n<!--\n---\n-->\n\nend')
    expect(deck.slides).toHaveLength(1)
  })
})

describe('front-matter', () => {
  it('takes title, description, author, date, tags and draft', () => {
    const deck = render('---\ntitle: T\ndescription: D\nauthor: A\ndate: 2026-01-02\ntags: [x, y]\ndraft: true\n---\n# Heading')
    expect(deck.meta).toMatchObject({ title: 'T', description: 'D', author: 'A', date: '2026-01-02', tags: ['x', 'y'], draft: true })
  })

  it('falls back to the first heading, then the file name, for the title', () => {
    expect(render('Some text\n\n## The heading').meta.title).toBe('The heading')
    expect(render('just text', engine(), 'slides/my-talk.md').meta.title).toBe('my-talk')
  })

  it('accepts Marp-style loose values such as a colon in a footer', () => {
    const deck = render('---\nfooter: Part 1: the start\npaginate: true\n---\n# a')
    expect(deck.slides[0]).toContain('<footer>Part 1: the start</footer>')
  })

  // What a slide shows of the front-matter's directives: header, footer, page number.
  const chrome = (html: string) => html.match(/<(header|footer)>[\s\S]*?<\/\1>|data-marpit-pagination="\d+"/g)

  it.each([
    ['an @ at the start', 'footer: @someone'],
    ['a backtick at the start', 'header: `code`'],
    ['a colon inside', 'footer: Part 1: the start'],
    ['double quotes inside', 'footer: say "hi" twice'],
    ['a # at the start, which YAML takes for a comment', 'footer: #1 in the series'],
    ['a spot directive', '_footer: @here'],
  ])('reads a value YAML would refuse or misread (%s) as marp-core does, header and footer alike', (_, line) => {
    const markdown = `---\n${line}\npaginate: true\n---\n# a\n\n---\n\n# b`
    const ours = render(markdown)
    const marpCore = new Marp().render(markdown, { htmlAsArray: true } as never).html as unknown as string[]
    expect(ours.problems).toEqual([])
    expect(ours.slides.map(chrome)).toEqual(marpCore.map(chrome))
    expect(ours.slides[0]?.match(/<(header|footer)>/)).not.toBeNull()
  })

  it('shows `footer: @someone` as the text "@someone", as marp-cli does', () => {
    const deck = render('---\nfooter: @someone\n---\n# a')
    expect(chrome(deck.slides[0] ?? '')).toEqual(['<footer>@someone</footer>'])
  })

  it('takes a loose title as marp-cli does, and keeps the other directives', () => {
    // marp-core alone does not read `title` loosely, so there `@` would make the whole front-matter unreadable.
    const deck = render('---\ntitle: @someone on Marp\ndescription: `code` talk\nauthor: @me\ntheme: gaia\nfooter: f\n---\n# Heading')
    expect(deck.problems).toEqual([])
    expect(deck.meta).toMatchObject({ title: '@someone on Marp', description: '`code` talk', author: '@me', theme: 'gaia' })
    expect(chrome(deck.slides[0] ?? '')).toEqual(['<footer>f</footer>'])
  })

  it('takes the title from a `<!-- title: … -->` directive, which is then not a speaker note, as under marp-cli', () => {
    const deck = render('<!-- title: From a comment -->\n\n# Heading\n\n<!-- a real note -->')
    expect(deck.meta.title).toBe('From a comment')
    expect(deck.notes).toEqual(['a real note'])
  })

  it("reads as loose the keys Marpit reads as loose: its own directives (this list is Marpit's)", () => {
    const marpit = createRequire(import.meta.url)('@marp-team/marpit/lib/markdown/directives/directives.js') as { default: string[] }
    expect([...MARPIT_DIRECTIVES]).toEqual(marpit.default)
    // marp-core defines `math` and `size` as non-enumerable, so Marpit does not read them loosely either.
    expect(engine().looseKeys).toEqual([...marpit.default, 'title', 'description', 'author', 'keywords', 'url', 'image', 'transition'])
  })

  it.each([
    ['an unclosed flow sequence', '---\ntitle: [unclosed\ntheme: gaia\nfooter: hi\n---\n# Heading', 2],
    ['an unclosed quote', '---\ntitle: "oops\ntheme: gaia\n---\n# Heading', 2],
    ['tab indentation', '---\ntitle: a\nlist:\n\t- x\n---\n# Heading', 4],
    ['a bad flow sequence', '---\ntitle: ok\ntags: [a, b\n---\n# Heading', 3],
    ['a colon in a key Marp does not read loosely', '---\ntitle: ok\ntags: a: b\nfooter: hi\n---\n# Heading', 3],
  ])('warns about invalid YAML (%s) at its line, and renders the deck as marp-core does: without the front-matter', (_, markdown, line) => {
    const result = renderDeck(engine(), { markdown, source: 'slides/bad.md', slug: 'bad' })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const { deck } = result
    expect(deck.problems).toEqual([expect.objectContaining({ file: 'slides/bad.md', rule: 'front-matter', severity: 'warning', line })])
    expect(deck.problems[0]?.message).toMatch(/^invalid YAML front-matter: .*; the whole front-matter is ignored/)
    expect(deck.slides).toHaveLength(1)
    expect(deck.meta).toMatchObject({ title: 'Heading', theme: 'marp-site', tags: [] })
    const marpCore = new Marp().render(markdown, { htmlAsArray: true } as never).html as unknown as string[]
    expect(deck.slides.map(chrome)).toEqual(marpCore.map(chrome))
  })

  it('renders CRLF line endings like LF', () => {
    const lf = '---\ntitle: T\nheadingDivider: 2\n---\n## a\n\ntext\n\n## b\n'
    const crlf = lf.replaceAll('\n', '\r\n')
    const a = render(lf)
    const b = render(crlf)
    expect(b.slides).toEqual(a.slides)
    expect(b.meta.title).toBe('T')
  })

  it('warns about an empty deck and still renders it', () => {
    const deck = render('')
    expect(deck.slides).toHaveLength(1)
    expect(deck.problems).toEqual([expect.objectContaining({ rule: 'empty-slide', severity: 'warning' })])
    expect(render('---\ntitle: only front-matter\n---\n').problems).toEqual([expect.objectContaining({ rule: 'empty-slide' })])
  })
})

describe('themes', () => {
  it('reports a theme CSS syntax error with file and line, and keeps the others', () => {
    const e = createEngine({
      themes: [...themes, { file: '/p/themes/broken.css', display: 'themes/broken.css', css: '/* @theme broken */\nsection {\n  color: red;\n' }],
      defaultTheme: 'marp-site',
      marp: {},
    })
    expect(e.problems).toEqual([expect.objectContaining({ file: 'themes/broken.css', rule: 'theme-error', line: 2 })])
    expect(e.themeNames).toContain('marp-site')
    expect(e.themeNames).not.toContain('broken')
  })

  it('reports a theme without a @theme name', () => {
    const e = createEngine({
      themes: [...themes, { file: '/x.css', display: 'themes/x.css', css: 'section { color: red }' }],
      defaultTheme: 'marp-site',
      marp: {},
    })
    expect(e.problems).toEqual([expect.objectContaining({ file: 'themes/x.css', rule: 'theme-error', message: expect.stringContaining('@theme') })])
  })

  it('reports an @import of a theme that does not exist', () => {
    const e = createEngine({
      themes: [...themes, { file: '/y.css', display: 'themes/y.css', css: "/* @theme y */\n@import 'default';\n@import 'nothere';\n" }],
      defaultTheme: 'marp-site',
      marp: {},
    })
    expect(e.problems).toEqual([expect.objectContaining({ file: 'themes/y.css', line: 3, rule: 'missing-asset' })])
  })

  it('reports a remote @import whose URL holds a ; as an external request, with the whole URL', () => {
    const url = 'https://fonts.googleapis.com/css2?family=X:wght@400;700&display=swap'
    const css = `/* @theme g */\n@import 'default';\n@import url("${url}");\n@import "${url}";\n`
    const e = createEngine({ themes: [...themes, { file: '/g.css', display: 'themes/g.css', css }], defaultTheme: 'marp-site', marp: {} })
    expect(e.problems).toEqual([
      expect.objectContaining({ file: 'themes/g.css', line: 3, rule: 'external-request', severity: 'warning', message: expect.stringContaining(url) }),
      expect.objectContaining({ file: 'themes/g.css', line: 4, rule: 'external-request', severity: 'warning', message: expect.stringContaining(url) }),
    ])
  })

  it("reports Marpit's @import-theme of a theme that does not exist, as it does @import", () => {
    const css = "/* @theme z */\n@import-theme 'default';\n@import-theme 'missing';\n@import url(gone);\n"
    const e = createEngine({ themes: [...themes, { file: '/z.css', display: 'themes/z.css', css }], defaultTheme: 'marp-site', marp: {} })
    expect(e.problems).toEqual([
      expect.objectContaining({ file: 'themes/z.css', line: 3, rule: 'missing-asset', message: expect.stringContaining('"missing"') }),
      expect.objectContaining({ file: 'themes/z.css', line: 4, rule: 'missing-asset', message: expect.stringContaining('"gone"') }),
    ])
  })

  it('knows the line each slide starts on: its first content, after front-matter, breaks and headingDivider', () => {
    const markdown = ['---', 'title: Lines', '---', '', '# One', '', 'text', '', '---', '', '# Two', '', '---', '<!-- _class: lead -->', '## Three'].join('\n')
    // Slide 3's directive comment (line 14) is Marp's, not content: the slide starts at its heading.
    expect(render(markdown).meta.slideLines).toEqual([5, 11, 15])
    const divided = ['---', 'headingDivider: 2', '---', '', '# A', '', 'a', '', '## B', '', 'b'].join('\n')
    expect(render(divided).meta.slideLines).toEqual([5, 9])
  })

  it('refuses a config default theme that is not registered', () => {
    expect(() => createEngine({ themes, defaultTheme: 'nope', marp: {} })).toThrow(/theme "nope" is not a registered theme/)
  })
})

describe('external requests', () => {
  it('keeps remote URLs as written and warns that the page fetches them', () => {
    const deck = render(
      '# a\n\n![remote](https://example.com/a.png)\n\n<style>\n@import "https://fonts.example.com/x.css";\nh1 { background: url(https://example.com/b.png) }\n</style>\n\n[a link is not a fetch](https://example.com/)',
    )
    expect(deck.problems.map((p) => [p.rule, p.severity, p.line])).toEqual([
      ['external-request', 'warning', 3],
      ['external-request', 'warning', 6],
      ['external-request', 'warning', 7],
    ])
    expect(text(deck)).toContain('src="https://example.com/a.png"')
    expect(deck.css).toContain('https://example.com/b.png')
  })
})

describe('remote backgrounds and stylesheets', () => {
  it('warns, with the URL and line, about a remote backgroundImage in front-matter and in comment directives', () => {
    const deck = render(
      [
        '---',
        'backgroundImage: url(https://example.com/front.png)',
        '---',
        '# One',
        '',
        '---',
        "<!-- backgroundImage: url('https://example.com/comment.png') -->",
        '<!-- _backgroundImage: "linear-gradient(red, blue), url(//cdn.example.com/scoped.png)" -->',
        '# Two',
        '',
        '---',
        '<!-- _backgroundImage: linear-gradient(red, blue) -->',
        '# Three, no URL',
      ].join('\n'),
    )
    expect(deck.problems.map((p) => [p.rule, p.severity, p.line, /(\S+\.png)/.exec(p.message)?.[1]])).toEqual([
      ['external-request', 'warning', 2, 'https://example.com/front.png'],
      ['external-request', 'warning', 7, 'https://example.com/comment.png'],
      ['external-request', 'warning', 8, '//cdn.example.com/scoped.png'],
    ])
  })

  it("warns about a remote url() or @import that reaches a deck's CSS from its theme, once per URL", () => {
    const css = "/* @theme far */\n@import 'default';\n@import url(https://example.com/far.css);\nsection { background: url('https://example.com/far.png') }\n"
    const e = createEngine({ themes: [...themes, { file: '/far.css', display: 'themes/far.css', css }], defaultTheme: 'marp-site', marp: {} })
    const deck = render('---\ntheme: far\n---\n# Far\n\n<style>\nh1 { background: url(https://example.com/far.png) }\n</style>\n', e)
    expect(deck.problems.map((p) => [p.rule, p.line, /https:\S+\.(?:css|png)/.exec(p.message)?.[0]])).toEqual([
      // The deck's own <style> has the line; the theme's CSS has none in the deck, and the URL already reported is not repeated.
      ['external-request', 7, 'https://example.com/far.png'],
      ['external-request', undefined, 'https://example.com/far.css'],
    ])
    expect(deck.problems[1]?.message).toContain('theme "far"')
  })

  it("points gaia's web-font import at the site's own copy of its fonts", () => {
    const deck = render('---\ntheme: gaia\n---\n# Gaia')
    expect(deck.css).not.toMatch(/https?:\/\//)
    expect(deck.css).toContain(`@import url("${SITE_ROOT}_assets/fonts/gaia.css")`)
    expect(deck.problems).toEqual([])
    // A theme that imports gaia brings its fonts along.
    const css = "/* @theme on-gaia */\n@import 'gaia';\nsection { color: red }\n"
    const e = createEngine({ themes: [...themes, { file: '/o.css', display: 'themes/o.css', css }], defaultTheme: 'marp-site', marp: {} })
    expect(render('---\ntheme: on-gaia\n---\n# On gaia', e).css).toContain(`${SITE_ROOT}_assets/fonts/gaia.css`)
    expect(render('# Default theme').css).not.toContain('_assets/fonts/')
  })
})

describe('reusing packed CSS across decks', () => {
  it('gives byte-identical output to packing every deck afresh', async () => {
    // @ts-expect-error plain JS module shared with the benchmark
    const { deck } = (await import('../bench/corpus.mjs')) as { deck: (i: number, o?: { math?: boolean }) => string }
    const decks = [
      deck(1),
      deck(2),
      deck(3, { math: false }),
      '---\nsize: 4:3\n---\n# Four by three',
      '# Default size again',
      '---\ntheme: gaia\nsize: 4:3\n---\n# Gaia 4:3',
      '---\ntheme: gaia\n---\n# Gaia 16:9',
      '<style>\nh1 { color: red }\n</style>\n\n# Own style',
      '<style>\nh1 { color: blue }\n</style>\n\n# Other style',
      '<style scoped>\nh1 { color: green }\n</style>\n\n# Scoped',
      '# Emoji :smile: and $x^2$',
      deck(1),
    ]
    const reusing = engine()
    const fresh = createEngine({ themes, defaultTheme: 'marp-site', marp: {}, reuseStyles: false })
    for (const [i, markdown] of decks.entries()) {
      const a = render(markdown, reusing, `slides/d${i}.md`)
      const b = render(markdown, fresh, `slides/d${i}.md`)
      expect(a.css, `deck ${i}`).toBe(b.css)
      expect(a.slides, `deck ${i}`).toEqual(b.slides)
    }
    const mathjax = (reuse: boolean) => createEngine({ themes, defaultTheme: 'marp-site', marp: { math: 'mathjax' }, reuseStyles: reuse })
    const [m1, m2] = [mathjax(true), mathjax(false)]
    for (const markdown of ['$x^2$', '$$\\frac{a}{b}$$', '$\\sqrt{2}$']) expect(render(markdown, m1).css).toBe(render(markdown, m2).css)
  })
})

describe('slide checks at render time', () => {
  it('reports a render that throws (a slide too big for this thread’s stack) as a render-error of the deck, not a crash', () => {
    const row = `|${' x |'.repeat(200)}`
    const table = [row, `|${' --- |'.repeat(200)}`, ...Array.from({ length: 1000 }, () => row)].join('\n')
    const result = renderDeck(engine(), { markdown: `# Big table\n\n${table}`, source: 'slides/table.md', slug: 'table' })
    expect(result).toEqual({
      ok: false,
      problems: [
        expect.objectContaining({
          file: 'slides/table.md',
          rule: 'render-error',
          severity: 'error',
          message: expect.stringContaining('Maximum call stack size exceeded'),
        }),
      ],
    })
  })

  it('renders CRLF line endings like LF, problems on the same lines', async () => {
    const markdown = `${await readFile(path.join(REPO, 'test/fixtures/samples/slides/post-mortem.md'), 'utf8')}\n---\n\n![](missing-alt.png)\n`
    const lf = renderDeck(engine(), { markdown, source: 'slides/deck.md', slug: 'deck' })
    const crlf = renderDeck(engine(), { markdown: markdown.replace(/\n/g, '\r\n'), source: 'slides/deck.md', slug: 'deck' })
    expect(lf.ok && lf.deck.problems.length).toBeGreaterThan(0)
    expect(crlf).toEqual(lf)
  })

  it('warns about images without alt text, but not backgrounds or described images', () => {
    const deck = render('# a\n\n![](a.png)\n\n![center w:200](b.png)\n\n![A described chart](c.png)\n\n![bg](d.png)\n\n![bg left:40%](e.png)')
    expect(deck.problems.filter((p) => p.rule === 'missing-alt').map((p) => p.line)).toEqual([3, 5])
  })

  it('warns about an empty slide with its number, but not a slide with only a background or an image', () => {
    const deck = render('# one\n\n---\n\n---\n\n![bg](x.png)\n\n---\n\n![diagram](y.svg)\n\n---\n\n<!-- _paginate: true -->\n<!-- just a note -->')
    expect(deck.problems.filter((p) => p.rule === 'empty-slide').map((p) => p.slide)).toEqual([2, 5])
  })
})

describe('the bundled render worker (lib/render/worker.bundle.cjs)', () => {
  it('loads with the code cache made when lib/ was compiled, and renders exactly as the modules it was made from', async () => {
    const { loadBundle } = await import('../src/render/bundle.js')
    const loaded = loadBundle(path.join(REPO, 'lib', 'render'))
    expect(loaded.cached).toBe(true)
    const run = loaded.exports['default'] as (task: unknown) => { ok: boolean; deck?: RenderedDeck }
    const markdown = await readFile(path.join(REPO, 'test/fixtures/samples/slides/post-mortem.md'), 'utf8')
    const keyed = { key: 'test', setup: { themes, defaultTheme: 'marp-site', marp: {} } }
    const input = {
      markdown: `${markdown}\n\n---\n\n$$\n\\sum_{i=1}^n i\n$$\n\n\`\`\`ts\nconst a: number = 1\n\`\`\``,
      source: 'slides/post-mortem.md',
      slug: 'post-mortem',
    }
    const bundled = run({ render: input, with: keyed })
    expect(bundled.ok).toBe(true)
    expect(bundled).toEqual(renderDeck(engine(), input))
  })
})
