import { describe, expect, it } from 'vitest'
import type { Problem } from '../src/problems.js'
import type { RenderedDeck } from '../src/render/deck.js'
import { SITE_ROOT } from '../src/render/refs.js'
import type { DeckSummary, SiteData } from '../src/template/data.js'
import type { ManifestDeck } from '../src/write/manifest.js'
import { SLIDE_ISOLATION } from '../src/write/isolation.js'
import {
  deckPageData,
  deckPagePaths,
  deckRuntimeData,
  derive,
  indexPageData,
  manifestEntry,
  pageAssets,
  pageKey,
  pdfPath,
  scriptJson,
  settleDeck,
  sortForIndex,
  summarize,
  summaryFromManifest,
  type DeckPageInputs,
  type SharedPaths,
} from '../src/write/pages.js'

function deck(over: Partial<Omit<RenderedDeck, 'meta'>> & { meta?: Partial<RenderedDeck['meta']> } = {}): RenderedDeck {
  const { meta, ...rest } = over
  return {
    source: 'slides/talks/intro.md',
    slug: 'talks/intro',
    slides: ['<svg>one</svg>', '<svg>two</svg>', '<svg>three</svg>'],
    css: 'section { color: red }',
    notes: ['first notes', ''],
    refs: [],
    deckLinks: [],
    problems: [],
    ...rest,
    meta: {
      title: 'Intro',
      description: 'An introduction',
      author: 'Ada',
      date: undefined,
      tags: ['a', 'b'],
      draft: false,
      empty: false,
      lang: undefined,
      theme: 'default',
      width: 1280,
      height: 720,
      headings: [],
      slideLines: [],
      rules: {},
      ...meta,
    },
  }
}

const SHARED: SharedPaths = {
  script: '_assets/js/marp-core.s.js',
  runtimeJs: '_assets/js/runtime.j.js',
  runtimeCss: '_assets/css/runtime.r.css',
  transitionsCss: '_assets/css/transitions.t.css',
}
const SITE: SiteData = { title: 'Site', description: '', lang: 'en', baseUrl: undefined, generator: 'marp-site test', favicon: 'data:,', themeColor: '#000' }

function problem(severity: Problem['severity'], line?: number): Problem {
  return { file: 'slides/talks/intro.md', ...(line === undefined ? {} : { line }), rule: 'missing-alt', severity, message: `a ${severity}` }
}

function summary(slug: string, date: string | undefined, draft = false): DeckSummary {
  return {
    ...summaryFromManifest({ slug, source: `slides/${slug}.md`, title: slug, description: '', slides: 1, html: '', pdf: null, problems: [] }, []),
    date,
    draft,
  }
}

describe('pdfPath: where a deck PDF goes', () => {
  it('is beside the page, named after the last segment of the slug', () => {
    expect(pdfPath('talks/2024/intro')).toBe('talks/2024/intro/intro.pdf')
    expect(pdfPath('intro')).toBe('intro/intro.pdf')
  })
})

describe('pageAssets: the links of a deck page, relative to it', () => {
  it('climbs out of a nested deck to the shared files and the index', () => {
    expect(pageAssets('talks/intro', '_assets/css/abc.css', SHARED, true)).toEqual({
      root: '../../',
      indexHref: '../../index.html',
      css: ['../../_assets/css/abc.css', '../../_assets/css/runtime.r.css', '../../_assets/css/transitions.t.css'],
      scripts: ['../../_assets/js/marp-core.s.js', '../../_assets/js/runtime.j.js'],
    })
  })

  it('leaves the runtime out of a thumbnail', () => {
    expect(pageAssets('intro', '_assets/css/abc.css', SHARED, false)).toEqual({
      root: '../',
      indexHref: '../index.html',
      css: ['../_assets/css/abc.css'],
      scripts: ['../_assets/js/marp-core.s.js'],
    })
  })
})

describe('sortForIndex: the order of the index', () => {
  it('puts dated decks first, newest first, then the undated ones in source order', () => {
    const decks = [summary('a', undefined), summary('b', '2024-01-05'), summary('c', undefined), summary('d', '2025-03-01'), summary('e', '2024-01-05')]
    // b and e share a date: they stay in source order.
    expect(sortForIndex(decks).map((d) => d.slug)).toEqual(['d', 'b', 'e', 'a', 'c'])
  })

  it('lists no drafts on the index page', () => {
    const data = indexPageData(SITE, [summary('a', undefined, true), summary('b', undefined), summary('c', '2020-01-01')])
    expect(data.decks.map((d) => d.slug)).toEqual(['c', 'b'])
    expect(data.page).toEqual({ root: '', indexHref: 'index.html', css: [], scripts: [] })
  })
})

describe('scriptJson: data inside a <script> element', () => {
  it('cannot end the element or open a comment, nor break a line in old parsers', () => {
    const value = { text: '</script><!-- a\u2028b\u2029c' }
    const json = scriptJson(value)
    expect(json).toBe('{"text":"\\u003c/script>\\u003c!-- a\\u2028b\\u2029c"}')
    expect(JSON.parse(json)).toEqual(value)
  })
})

describe('summaries: what the index shows of a deck', () => {
  it('counts the errors and warnings of a rendered deck', () => {
    const s = summarize(deck(), [problem('error', 3), problem('warning'), problem('error')])
    expect([s.errors, s.warnings]).toEqual([2, 1])
    expect(s.slides).toBe(3)
    expect(s.href).toBe('talks/intro/index.html')
    expect(s.thumbHref).toBe('talks/intro/thumb.html')
    expect(s.pdfHref).toBeUndefined()
  })

  it('encodes the links of a slug with a space', () => {
    expect(summarize(deck({ slug: 'my talks/intro' }), []).href).toBe('my%20talks/intro/index.html')
  })

  it('shows a kept deck as its manifest entry says, with this build’s problems', () => {
    const entry: ManifestDeck = {
      slug: 'talks/intro',
      source: 'slides/talks/intro.md',
      title: 'Intro',
      description: 'd',
      slides: 4,
      html: 'talks/intro/index.html',
      pdf: 'talks/intro/intro.pdf',
      problems: [],
    }
    const s = summaryFromManifest(entry, [problem('error')])
    expect(s).toMatchObject({
      title: 'Intro',
      slides: 4,
      pdfHref: 'talks/intro/intro.pdf',
      errors: 1,
      warnings: 0,
      draft: false,
      tags: [],
      width: 1280,
      height: 720,
    })
  })
})

describe('the manifest entry of a deck', () => {
  it('starts without a PDF or problems', () => {
    expect(manifestEntry(deck())).toEqual({
      slug: 'talks/intro',
      source: 'slides/talks/intro.md',
      title: 'Intro',
      description: 'An introduction',
      slides: 3,
      html: 'talks/intro/index.html',
      pdf: null,
      problems: [],
    })
  })

  it('gets its PDF and its problems in the wire shape, keys in their order', () => {
    const d = deck({ slug: 'my talks/intro' })
    const settled = settleDeck(manifestEntry(d), summarize(d, []), 'my talks/intro/intro.pdf', [{ ...problem('warning', 7), slide: 2 }, problem('error')])
    expect(settled.manifest.pdf).toBe('my talks/intro/intro.pdf')
    expect(settled.manifest.problems.map((p) => Object.keys(p))).toEqual([
      ['deck', 'file', 'line', 'slide', 'rule', 'severity', 'message'],
      ['deck', 'file', 'rule', 'severity', 'message'],
    ])
    expect(settled.manifest.problems[0]?.deck).toBe('my talks/intro')
    expect(settled.summary).toMatchObject({ pdfHref: 'my%20talks/intro/intro.pdf', errors: 1, warnings: 1 })
  })
})

describe('the deck page', () => {
  const inputs = (d: RenderedDeck): DeckPageInputs => ({
    site: SITE,
    deck: d,
    summary: summarize(d, []),
    shared: SHARED,
    config: { lang: 'en', rules: { overflow: 'warning' } },
  })

  it('gives the runtime links relative to the page', () => {
    expect(deckRuntimeData(deck({ meta: { slideLines: [1, 5, 9] } }), pdfPath('talks/intro'), 'error', 'warning')).toEqual({
      slug: 'talks/intro',
      source: 'slides/talks/intro.md',
      title: 'Intro',
      notes: ['first notes', ''],
      indexHref: '../../index.html',
      pdfHref: 'intro.pdf',
      overflow: 'error',
      crowded: 'warning',
      slideLines: [1, 5, 9],
    })
    expect(deckRuntimeData(deck(), undefined, 'error', 'warning').pdfHref).toBeUndefined()
  })

  it('takes the site’s lang when the deck has none, and the deck’s overflow and crowded switches over the site’s', () => {
    const data = deckPageData(inputs(deck({ meta: { rules: { overflow: 'off', crowded: 'error' } } })), undefined)
    expect(data.deck.lang).toBe('en')
    expect(JSON.parse(data.deck.dataJson)).toMatchObject({ overflow: 'off', crowded: 'error' })
    expect(deckPageData(inputs(deck({ meta: { lang: 'fr' } })), undefined).deck.lang).toBe('fr')
    expect(JSON.parse(deckPageData(inputs(deck()), undefined).deck.dataJson).overflow).toBe('warning')
  })

  it('numbers its slides from 1 and pairs them with their notes', () => {
    const data = deckPageData(inputs(deck()), 'talks/intro/intro.pdf')
    expect(data.slides.map((s) => [s.number, s.notes])).toEqual([
      [1, 'first notes'],
      [2, ''],
      [3, ''],
    ])
    expect(data.deck.pdfHref).toBe('talks/intro/intro.pdf')
    expect(deckPagePaths('talks/intro')).toEqual(['talks/intro/index.html', 'talks/intro/thumb.html'])
  })

  it('makes site-root URLs relative: the slides to the deck folder, the CSS to the CSS folder', () => {
    const d = deck({
      slides: [`<svg><image href="${SITE_ROOT}talks/intro/a.png"/><img src="${SITE_ROOT}_assets/twemoji/1f604.svg"></svg>`],
      css: `@font-face { src: url(${SITE_ROOT}_assets/katex/KaTeX_Main.woff2) }`,
    })
    const derived = derive(d)
    expect(derived.slides()[0]?.html).toBe('<svg><image href="a.png"/><img src="../../_assets/twemoji/1f604.svg"></svg>')
    // The slides' isolation from the page comes last, so that the CSS's own @imports stay first.
    expect(derived.css).toBe(`@font-face { src: url(../katex/KaTeX_Main.woff2) }\n${SLIDE_ISOLATION}\n`)
    expect(derived.cssPath).toMatch(/^_assets\/css\/[0-9a-f]{12}\.css$/)
    expect(derived.katex).toBe(true)
    expect(derived.emoji).toEqual(['_assets/twemoji/1f604.svg'])
  })

  it('has a key that changes with what the page shows, and only then', () => {
    const key = (pdf: string | null, d = deck()) =>
      pageKey({ ...inputs(d), templatesKey: 't', generator: 'g', config: { lang: 'en', rules: {}, singleFile: false }, pdf })
    expect(key(null)).toBe(key(null))
    expect(key('talks/intro/intro.pdf')).not.toBe(key(null))
    expect(key(null, deck({ meta: { title: 'Other' } }))).not.toBe(key(null))
  })
})
