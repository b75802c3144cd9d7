import { describe, expect, it } from 'vitest'
import { createEngine } from '../src/client/search/engine.js'
import { matchSlides } from '../src/client/search/match.js'
import type { SearchData } from '../src/client/search/records.js'
import { keepDeck, parseState, toSearch } from '../src/client/search/state.js'
import { fold, highlight, tokenize } from '../src/client/search/text.js'
import { deckRecord, searchDataScript, splitAuthors, type SearchSource } from '../src/search/records.js'
import { slideText } from '../src/search/text.js'
import type { RenderedDeck } from '../src/render/deck.js'
import { browseData, sectionsOf } from '../src/write/browse.js'
import { deckSearchRecord, searchDataFile } from '../src/write/search-index.js'
import { scriptJson } from '../src/write/pages.js'
import type { DeckSummary } from '../src/template/data.js'

function source(slug: string, slides: string[], extra: Partial<SearchSource> = {}): SearchSource {
  return {
    slug,
    href: `${slug}/index.html`,
    title: slug,
    description: '',
    tags: [],
    author: undefined,
    date: undefined,
    slides: slides.map((text) => `<svg data-marpit-svg><foreignObject><section><p>${text}</p></section></foreignObject></svg>`),
    headings: slides.map(() => undefined),
    notes: slides.map(() => ''),
    ...extra,
  }
}

/** The data file's JSON, as the browser reads it, from the decks' records. */
function data(records: ReturnType<typeof deckRecord>[]): SearchData {
  const script = searchDataScript(records.map((r) => JSON.stringify(r)))
  return JSON.parse(script.slice(script.indexOf('=') + 1, script.lastIndexOf(';'))) as SearchData
}

describe('slide text for the index', () => {
  it('keeps what a reader sees: text, alt text, decoded entities; no styles or markup', () => {
    const html =
      '<svg><style>.a{color:red}</style><section><h1>Fish &amp; chips</h1><p>caf&#233; <img src="x.png" alt="a diagram"> &lt;b&gt;</p></section></svg>'
    expect(slideText(html)).toBe('Fish & chips café a diagram <b>')
  })

  it('puts speaker notes in a record only when notes are public, and an image path when there is one', () => {
    const deck = source('talk', ['one', 'two'], { notes: ['', 'secret plan'] })
    expect(deckRecord(deck, { includeNotes: false }).sl[1]).toEqual({ n: 2, t: 'two' })
    expect(deckRecord(deck, { includeNotes: true, images: ['talk/slides/001.png', 'talk/slides/002.png'] }).sl[1]).toEqual({
      n: 2,
      t: 'two',
      o: 'secret plan',
      i: 'talk/slides/002.png',
    })
  })

  it('splits authors on commas, semicolons, & and "and"', () => {
    expect(splitAuthors('Ada Lovelace, Alan Turing & Grace Hopper and Linus')).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Linus'])
  })
})

describe('tokenizing', () => {
  it('folds case, accents and full-width forms', () => {
    expect(fold('Résumé ＡＢＣ Straße')).toBe('resume abc straße')
    expect(tokenize('Résumé, naïve!')).toEqual(['resume', 'naive'])
  })

  it('cuts CJK runs into overlapping pairs, keeping kana voicing and Hangul whole', () => {
    expect(tokenize('本番障害の振り返り')).toEqual(['本番', '番障', '障害', '害の', 'の振', '振り', 'り返', '返り'])
    expect(tokenize('ガイド')).toEqual(['ガイ', 'イド'])
    expect(tokenize('한국어')).toEqual(['한국', '국어'])
    expect(tokenize('v2の計画')).toEqual(['v2', 'の計', '計画'])
  })
})

describe('the search engine', () => {
  const site = data([
    deckRecord(
      source('post-mortem', ['Timeline of the outage', 'What went wrong', 'The rollback plan we used', 'Actions'], {
        title: 'Post-mortem',
        headings: ['Timeline', undefined, undefined, 'Actions'],
        notes: ['', '', '', 'remember the zebra'],
      }),
      { includeNotes: false },
    ),
    deckRecord(source('cv', ['Mon Résumé et mes compétences', '本番障害の振り返りをします']), { includeNotes: false }),
    deckRecord(source('actions', ['Nothing here', 'still nothing'], { title: 'Actions and rollback', notes: ['the giraffe', ''] }), { includeNotes: true }),
  ])
  const engine = createEngine(site)
  const where = (q: string) => engine.search(q).map((h) => `${h.deck.s}#${h.slide?.n ?? 'deck'}`)

  it('finds a word on one slide of one deck: exactly that slide', () => {
    expect(where('outage')).toEqual(['post-mortem#1'])
  })

  it('finds a word as it is typed (a prefix)', () => {
    expect(where('outa')).toEqual(['post-mortem#1'])
  })

  it('finds an accented word without its accents, and a CJK word inside a sentence', () => {
    expect(where('resume')).toEqual(['cv#1'])
    expect(where('COMPETENCES')).toEqual(['cv#1'])
    expect(where('障害')).toEqual(['cv#2'])
    expect(where('振り返り')).toEqual(['cv#2'])
    expect(where('障害物')).toEqual([])
  })

  it('ranks title and heading hits before text hits', () => {
    // `actions` is a deck title and a heading; `rollback` is a title word and slide text.
    expect(where('actions')[0]).toBe('actions#deck')
    expect(where('actions')).toContain('post-mortem#4')
    expect(where('rollback')).toEqual(['actions#deck', 'post-mortem#3'])
  })

  it('finds a notes-only word only where notes are public', () => {
    expect(where('zebra')).toEqual([])
    expect(where('giraffe')).toEqual(['actions#1'])
  })

  it('keeps only the decks a filter keeps', () => {
    expect(engine.search('rollback', (deck) => deck.s === 'post-mortem').map((h) => h.deck.s)).toEqual(['post-mortem'])
  })

  it('marks each hit in the text it shows', () => {
    const pieces = highlight('Mon Résumé et mes compétences', ['resume'])
    expect(pieces.filter((p) => p.hit).map((p) => p.text)).toEqual(['Résumé'])
    const cjk = highlight('本番障害の振り返り', ['障害', '害の'])
    expect(cjk.filter((p) => p.hit).map((p) => p.text)).toEqual(['障害の'])
  })
})

describe('search inside a deck', () => {
  it('lists the slides holding every word, folded, at the start of a word', () => {
    const slides = ['Rollback plan', 'Plans for the résumé', 'enrollback is not a word', '障害の振り返り']
    expect(matchSlides(slides, 'plan')).toEqual([0, 1])
    expect(matchSlides(slides, 'resume plans')).toEqual([1])
    expect(matchSlides(slides, 'rollback')).toEqual([0])
    expect(matchSlides(slides, '振り返')).toEqual([3])
    expect(matchSlides(slides, '  ')).toEqual([])
  })
})

describe('browse state in the URL', () => {
  it('round-trips, leaves defaults out and reads anything else as the default', () => {
    const state = parseState('?tag=process&q=rollback')
    expect(state).toEqual({ q: 'rollback', tag: 'process', author: '', year: '', sort: 'date' })
    expect(toSearch(state)).toBe('?tag=process&q=rollback')
    expect(toSearch(parseState('?sort=bogus'))).toBe('')
    expect(toSearch(parseState('?sort=title&year=2024'))).toBe('?year=2024&sort=title')
  })

  it('keeps a deck by tag, author and year', () => {
    const deck = { s: 'a', t: 'A', y: '2024-05-01', g: ['ops'], a: ['Ada'] }
    expect(keepDeck(deck, parseState('?tag=ops&author=Ada&year=2024'))).toBe(true)
    expect(keepDeck(deck, parseState('?tag=dev'))).toBe(false)
    expect(keepDeck(deck, parseState('?year=2023'))).toBe(false)
    expect(keepDeck({ s: 'b', t: 'B' }, parseState('?author=Ada'))).toBe(false)
  })
})

describe('sections and filters of the index', () => {
  const summary = (slug: string, tags: string[] = [], date?: string, author?: string) => ({ slug, tags, date, author, title: slug }) as unknown as DeckSummary

  it('groups decks by folder: the top first, then the configured sections in order, then the others by name', () => {
    const decks = [summary('talks/b'), summary('intro'), summary('workshops/x'), summary('archive/old'), summary('talks/a')]
    const sections = sectionsOf(decks, [{ folder: 'Workshops', title: 'Hands-on' }, { folder: 'talks/' }])
    expect(sections.map((s) => [s.folder, s.title, s.decks.map((d) => d.slug)])).toEqual([
      ['', '', ['intro']],
      ['workshops', 'Hands-on', ['workshops/x']],
      ['talks', 'talks', ['talks/b', 'talks/a']],
      ['archive', 'archive', ['archive/old']],
    ])
  })

  it('counts each tag, author and year once per deck', () => {
    const browse = browseData([summary('a', ['ops', 'ops', 'dev'], '2024-01-01', 'Ada, Bob'), summary('b', ['ops'], '2023', 'Ada'), summary('c')], scriptJson)
    expect(browse.tags).toEqual([
      { value: 'ops', count: 2 },
      { value: 'dev', count: 1 },
    ])
    expect(browse.authors).toEqual([
      { value: 'Ada', count: 2 },
      { value: 'Bob', count: 1 },
    ])
    expect(browse.years).toEqual([
      { value: '2024', count: 1 },
      { value: '2023', count: 1 },
    ])
  })
})

describe('the search data of a build', () => {
  const rendered = (slug: string, text: string) =>
    ({
      slug,
      source: `slides/${slug}.md`,
      slides: [`<svg><section><p>${text}</p></section></svg>`],
      css: '',
      notes: [''],
      meta: { title: slug, description: '', author: undefined, date: undefined, tags: [], headings: [undefined] },
    }) as unknown as RenderedDeck

  it("reuses a deck's previous record while its content and the options are the same, and names the file by what it holds", () => {
    const options = { includeNotes: true }
    const a = deckSearchRecord(rendered('a', 'alpha'), 'content-a', options, undefined)
    const b = deckSearchRecord(rendered('b', 'beta'), 'content-b', options, undefined)
    // A new render object of the same content (a build whose renders came from the cache): the kept record, not a new one.
    const again = deckSearchRecord(rendered('a', 'not even read'), 'content-a', options, a)
    expect(again).toBe(a)
    expect(deckSearchRecord(rendered('a', 'alpha'), 'content-a', { includeNotes: false }, a)).not.toBe(a)
    const edited = deckSearchRecord(rendered('b', 'gamma'), 'content-b2', options, b)
    expect(edited.json).toContain('gamma')
    const before = searchDataFile([a, b])
    expect(searchDataFile([again, b])).toEqual(before)
    const after = searchDataFile([a, edited])
    expect(after.path).not.toBe(before.path)
    expect(after.path).toMatch(/^_assets\/js\/search-data\.[0-9a-f]{12}\.js$/)
    expect(after.script).toContain('gamma')
  })
})
