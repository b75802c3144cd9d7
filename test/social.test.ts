/**
 * Sharing a published site (issue 20, item 4): with config `url`, Open Graph and Twitter tags and
 * canonical links (all absolute), a slide-1 social card per deck made in the browser (1200×630), and
 * `sitemap.xml` and an Atom `feed.xml` (read here with a real XML parser); without `url`, only the tags
 * that need no address, and a hint from the CLI.
 */
import { appendFile, readFile } from 'node:fs/promises'
import path from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { type DefaultTreeAdapterMap, parse } from 'parse5'
import { PNG } from 'pngjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli/main.js'
import { privateTmpdir } from './helpers/browser.js'
import { buildProject, exists, project, readOut, runCli } from './helpers/project.js'

privateTmpdir()

const URL_BASE = 'https://talks.example.org/team/'
const TRICKY = 'Q&A <live> "fun" & \'more\''

const DECKS = {
  'slides/old.md': `---\ntitle: ${JSON.stringify(TRICKY)}\ndescription: Questions & answers\ndate: 2023-03-04\nauthor: Ann <ann@example.org>\n---\n\n# Old\n`,
  'slides/new.md': '---\ndate: 2025-06-07\n---\n\n# Newest talk\n\nSome words on the first slide.\n\n---\n\n# Two\n',
  'slides/talks/undated.md': '# Undated\n',
  'slides/pic.md': '---\ndate: 2024-01-01\nimage: https://cdn.example.net/pic.png\n---\n\n# Has its own picture\n',
  'slides/draft.md': '---\ndraft: true\n---\n\n# Not listed\n',
}

type Node = DefaultTreeAdapterMap['childNode']

/** The `<meta>` and `<link>` tags of a page's head: property or name → content, and rel → href. */
function headTags(html: string): { meta: Map<string, string>; links: Map<string, string> } {
  const meta = new Map<string, string>()
  const links = new Map<string, string>()
  const walk = (node: Node | DefaultTreeAdapterMap['document']) => {
    if ('attrs' in node) {
      const attr = (name: string) => node.attrs.find((a) => a.name === name)?.value
      if (node.nodeName === 'meta') {
        const key = attr('property') ?? attr('name')
        if (key !== undefined) meta.set(key, attr('content') ?? '')
      }
      if (node.nodeName === 'link') links.set(attr('rel') ?? '', attr('href') ?? '')
    }
    if ('childNodes' in node) for (const child of node.childNodes) walk(child)
  }
  walk(parse(html))
  return { meta, links }
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['url', 'entry', 'link'].includes(name) })

/** One project for the file, built once with url; the no-url build uses another config file of it (and its render cache). */
let root: string

beforeAll(async () => {
  root = await project({
    ...DECKS,
    'marp-site.config.json': JSON.stringify({ url: 'https://talks.example.org/team', title: 'Team & friends' }),
    'no-url.json': '{ "title": "Team & friends" }',
  })
  // No PDFs: the browser is started for the cards alone.
  await buildProject(root, { pdf: false }, { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } })
}, 60_000)

describe('a site with url', () => {
  it('lists the index and every listed deck in sitemap.xml, absolute, with their dates', async () => {
    const text = await readOut(root, 'sitemap.xml')
    expect(XMLValidator.validate(text)).toBe(true)
    const urls = (xml.parse(text) as { urlset: { url: { loc: string; lastmod?: string }[] } }).urlset.url
    expect(urls.map((u) => u.loc)).toEqual([
      URL_BASE,
      `${URL_BASE}new/index.html`,
      `${URL_BASE}pic/index.html`,
      `${URL_BASE}old/index.html`,
      `${URL_BASE}talks/undated/index.html`,
    ])
    expect(urls.map((u) => u.lastmod)).toEqual([undefined, '2025-06-07', '2024-01-01', '2023-03-04', undefined])
  })

  it('writes an Atom feed with one entry per deck, newest first, escaped, absolute links', async () => {
    const text = await readOut(root, 'feed.xml')
    expect(XMLValidator.validate(text)).toBe(true)
    const feed = (
      xml.parse(text) as {
        feed: {
          '@xmlns': string
          title: string
          id: string
          updated: string
          link: { '@rel': string; '@href': string }[]
          entry: { title: string; id: string; updated: string; link: { '@href': string }[]; author?: { name: string }; summary?: string }[]
        }
      }
    ).feed
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom')
    expect(feed.title).toBe('Team & friends')
    expect(feed.id).toBe(URL_BASE)
    expect(feed.link.find((l) => l['@rel'] === 'self')?.['@href']).toBe(`${URL_BASE}feed.xml`)
    expect(feed.updated).toBe('2025-06-07T00:00:00Z')
    expect(feed.entry.map((e) => e.id)).toEqual([
      `${URL_BASE}new/index.html`,
      `${URL_BASE}pic/index.html`,
      `${URL_BASE}old/index.html`,
      `${URL_BASE}talks/undated/index.html`,
    ])
    expect(feed.entry.map((e) => e.updated)).toEqual(['2025-06-07T00:00:00Z', '2024-01-01T00:00:00Z', '2023-03-04T00:00:00Z', '2025-06-07T00:00:00Z'])
    for (const entry of feed.entry) expect(entry.link[0]?.['@href']).toBe(entry.id)
    const old = feed.entry[2]
    // The parser leaves entities as they are written: decoded, they are the deck's own text.
    const decode = (s: string | undefined) =>
      s
        ?.replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&')
    expect(decode(old?.title)).toBe(TRICKY)
    expect(decode(old?.author?.name)).toBe('Ann <ann@example.org>')
    expect(decode(old?.summary)).toBe('Questions & answers')
  })

  it('gives deck pages and the index absolute Open Graph tags, canonical links and a large card', async () => {
    const deck = headTags(await readOut(root, 'old/index.html'))
    expect(deck.links.get('canonical')).toBe(`${URL_BASE}old/index.html`)
    expect(deck.meta.get('og:url')).toBe(`${URL_BASE}old/index.html`)
    expect(deck.meta.get('og:title')).toBe(TRICKY)
    expect(deck.meta.get('og:description')).toBe('Questions & answers')
    expect(deck.meta.get('og:type')).toBe('article')
    expect(deck.meta.get('og:image')).toBe(`${URL_BASE}old/card.png`)
    expect(deck.meta.get('og:image:width')).toBe('1200')
    expect(deck.meta.get('og:image:height')).toBe('630')
    expect(deck.meta.get('twitter:card')).toBe('summary_large_image')

    // A deck's own `image:` directive (as marp-cli reads it) is its picture; no card is made for it.
    const own = headTags(await readOut(root, 'pic/index.html'))
    expect(own.meta.get('og:image')).toBe('https://cdn.example.net/pic.png')
    expect(await exists(path.join(root, 'dist', 'pic', 'card.png'))).toBe(false)

    const index = headTags(await readOut(root, 'index.html'))
    expect(index.links.get('canonical')).toBe(URL_BASE)
    expect(index.meta.get('og:url')).toBe(URL_BASE)
    expect(index.meta.get('og:type')).toBe('website')
    expect(index.meta.get('og:image')).toBe(`${URL_BASE}new/card.png`)
    expect(index.links.get('alternate')).toBe(`${URL_BASE}feed.xml`)
    for (const page of [deck, own, index]) {
      for (const key of ['og:url', 'og:image']) expect(page.meta.get(key)).toMatch(/^https:\/\/[a-z.]+\//)
    }
  })

  it('makes each card 1200×630 from slide 1, not blank', async () => {
    for (const slug of ['new', 'old', 'talks/undated']) {
      const png = PNG.sync.read(await readFile(path.join(root, 'dist', ...slug.split('/'), 'card.png')))
      expect([png.width, png.height]).toEqual([1200, 630])
      const colours = new Map<number, number>()
      // Every third pixel is plenty to tell a slide from a blank picture.
      for (let i = 0; i < png.data.length; i += 12) {
        const rgb = ((png.data[i] ?? 0) << 16) | ((png.data[i + 1] ?? 0) << 8) | (png.data[i + 2] ?? 0)
        colours.set(rgb, (colours.get(rgb) ?? 0) + 1)
      }
      const [background = 0] = [...colours.values()].sort((a, b) => b - a)
      // The slide's background, and text on it: a good share of the pixels are not the background.
      expect(colours.size).toBeGreaterThan(2)
      expect((png.width * png.height) / 3 - background).toBeGreaterThan(300)
    }
  })

  it('reuses an unchanged card from the previous site instead of taking it again', async () => {
    const card = path.join(root, 'dist', 'new', 'card.png')
    // Bytes after the PNG's end: still there only if the build kept the file rather than making it anew.
    await appendFile(card, 'KEPT')
    // Past the up-to-date stamp, renders from the cache: the outputs phase decides about the card.
    await buildProject(root, { pdf: false }, { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' }, stamp: false })
    expect((await readFile(card)).subarray(-4).toString()).toBe('KEPT')
  }, 60_000)
})

describe('a site without url', () => {
  it('gives only the tags that need no address, no sitemap, feed or card, and a hint on a terminal', async () => {
    let stderr = ''
    const code = await main(['build', '--no-pdf', '--config', 'no-url.json', '--out', 'plain', root], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: root,
      color: true,
    })
    expect(code).toBe(0)
    expect(stderr).toContain('hint:')
    expect(stderr).toContain('set `url` in the config')
    const deck = headTags(await readOut(root, 'old/index.html', 'plain'))
    expect(deck.meta.get('og:title')).toBe(TRICKY)
    expect(deck.meta.get('og:description')).toBe('Questions & answers')
    expect(deck.meta.get('twitter:card')).toBe('summary')
    for (const key of ['og:url', 'og:image']) expect(deck.meta.has(key)).toBe(false)
    expect(deck.links.has('canonical')).toBe(false)
    for (const file of ['sitemap.xml', 'feed.xml', 'old/card.png']) expect(await exists(path.join(root, 'plain', file))).toBe(false)
  })

  it('says plainly when url is not an absolute http(s) URL', async () => {
    const other = await project({ 'slides/a.md': '# A', 'marp-site.config.json': '{ "url": "talks.example.org/team" }' })
    const result = await runCli(['build', '--no-pdf', other], other)
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('"url"')
    expect(result.stderr).toContain('absolute http(s) URL')
  })
})
