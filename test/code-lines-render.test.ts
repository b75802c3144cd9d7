import { describe, expect, it } from 'vitest'
import { parseSteps, stepAt } from '../src/client/code-steps.js'
import { parseCodeLines, splitLines } from '../src/render/code-lines.js'
import { renderDeck, type RenderedDeck } from '../src/render/deck.js'
import { createEngine, type Engine } from '../src/render/engine.js'

const engine = createEngine({ themes: [], defaultTheme: 'default', marp: {} })
const numbered = createEngine({ themes: [], defaultTheme: 'default', marp: { lineNumbers: true } })

function render(markdown: string, withEngine: Engine = engine): RenderedDeck {
  const result = renderDeck(withEngine, { markdown, source: 'slides/deck.md', slug: 'deck' })
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.problems)}`)
  return result.deck
}

const TICKS = '```'
const fence = (info: string, ...lines: string[]) => [`${TICKS}${info}`, ...lines, TICKS].join('\n')
const FIVE = ['const a = 1', 'let b = 2', '/* three', 'four */', 'a + b']

interface Line {
  readonly text: string
  readonly highlighted: boolean
  readonly steps: string | undefined
}

/** Each `<span class="line">` of the first code block of a slide: its text, and how it is marked. */
function lines(slide: string): Line[] {
  const code = /<code\b[^>]*>([\s\S]*?)<\/code>/.exec(slide)?.[1] ?? ''
  return code
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const open = /^<span class="(line[^"]*)"(?: data-ms-in="([^"]*)")?>/.exec(l)
      return { text: l.replace(/<[^>]+>/g, ''), highlighted: open?.[1] === 'line highlighted', steps: open?.[2] }
    })
}

const codeTag = (slide: string) => /<code\b[^>]*>/.exec(slide)?.[0] ?? ''
const attr = (tag: string, name: string) => new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1]

describe('reading a fence line list', () => {
  it('reads lines and ranges as one group, and groups split by | as steps', () => {
    expect(parseCodeLines('{1,3-5}', 9)).toEqual({ groups: [[1, 3, 4, 5]], lineNumbers: undefined })
    expect(parseCodeLines('{7}', 9).groups).toEqual([[7]])
    expect(parseCodeLines('{1|3-5|7}', 9).groups).toEqual([[1], [3, 4, 5], [7]])
    expect(parseCodeLines('title="x" {2,1,2}', 9).groups).toEqual([[1, 2]])
  })

  it('reads showLineNumbers and hideLineNumbers, with or without a line list', () => {
    expect(parseCodeLines('{1,3} showLineNumbers', 9)).toEqual({ groups: [[1, 3]], lineNumbers: true })
    expect(parseCodeLines('showLineNumbers', 9)).toEqual({ groups: [], lineNumbers: true })
    expect(parseCodeLines('hideLineNumbers', 9)).toEqual({ groups: [], lineNumbers: false })
  })

  it('says why a line list cannot be read, and uses none of it', () => {
    for (const spec of ['{a-}', '{1-}', '{1||3}', '{5-3}', '{0}', '{1, 3}', '{x}']) {
      const parsed = parseCodeLines(spec, 9)
      expect(parsed.groups, spec).toEqual([])
      expect(parsed.problem, spec).toMatch(/shown without highlighted lines/)
    }
    expect(parseCodeLines('{5-3}', 9).problem).toMatch(/runs backwards/)
  })

  it('leaves braces that are not a line list to other plugins', () => {
    expect(parseCodeLines('{.class}', 9)).toEqual({ groups: [], lineNumbers: undefined })
    expect(parseCodeLines('{title="a"}', 9)).toEqual({ groups: [], lineNumbers: undefined })
  })

  it('tells about lines past the end of the code and highlights the others', () => {
    const parsed = parseCodeLines('{2,8-9}', 5)
    expect(parsed.groups).toEqual([[2, 8, 9]])
    expect(parsed.problem).toMatch(/line 8, past the end of the code \(5 lines\)/)
  })
})

describe('cutting highlighted code into lines', () => {
  it('closes an element open across a line break and opens it again on the next line', () => {
    const html = '<span class="k">const</span> a <span class="c">/* one\ntwo\nthree */</span>\nb\n'
    expect(splitLines(html)).toEqual([
      '<span class="k">const</span> a <span class="c">/* one</span>',
      '<span class="c">two</span>',
      '<span class="c">three */</span>',
      'b',
    ])
  })

  it('keeps empty lines, and makes no line of the final newline', () => {
    expect(splitLines('a\n\nb\n')).toEqual(['a', '', 'b'])
    expect(splitLines('a')).toEqual(['a'])
  })
})

describe('highlighted lines in a deck', () => {
  it('marks the listed lines of ```js {1,3-4} as highlighted lines, as marp-core 5 does, and keeps highlight.js colours', () => {
    const deck = render(fence('js {1,3-4}', ...FIVE))
    const slide = deck.slides[0] ?? ''
    expect(lines(slide).map((l) => [l.text, l.highlighted])).toEqual([
      ['const a = 1', true],
      ['let b = 2', false],
      ['/* three', true],
      ['four */', true],
      ['a + b', false],
    ])
    expect(slide).toContain('<span class="hljs-keyword">const</span>')
    // The comment spans two lines: each line closes and reopens it.
    expect(slide).toContain('<span class="line highlighted"><span class="hljs-comment">four */</span></span>')
    // marp-core's auto-scaling wrapper is kept.
    expect(slide).toContain('<pre is="marp-pre" data-auto-scaling="downscale-only"><code class="language-js">')
    expect(deck.problems).toEqual([])
  })

  it('adds its CSS to a deck that uses line lists only, so other decks keep the same bytes', () => {
    const plain = render(fence('js', ...FIVE))
    const withLines = render(fence('js {2}', ...FIVE))
    expect(plain.css).not.toContain('.line')
    expect(withLines.css).toContain('.line.highlighted')
    expect(withLines.css).toContain('--marp-site-code-highlight')
    expect(plain.slides[0]).not.toContain('class="line')
    expect(render(fence('js', ...FIVE)).css).toBe(plain.css)
  })

  it('highlights lines of code in a language without highlighting (text, or one highlight.js does not know)', () => {
    for (const lang of ['text', 'nosuchlanguage']) {
      const slide = render(fence(`${lang} {2}`, 'plain <one>', 'two', 'three')).slides[0] ?? ''
      expect(lines(slide).map((l) => [l.text, l.highlighted])).toEqual([
        ['plain &lt;one&gt;', false],
        ['two', true],
        ['three', false],
      ])
      expect(slide).not.toContain('hljs')
    }
  })

  it('renders an unreadable line list as plain code with a code-lines warning at the fence, and does not fail', () => {
    const deck = render(['# Title', '', fence('js {a-}', ...FIVE), '', fence('py {5-3}', 'x = 1')].join('\n'))
    expect(deck.slides[0]).not.toContain('class="line')
    expect(deck.slides[0]).toContain('<span class="hljs-keyword">const</span>')
    expect(deck.problems.map((p) => [p.rule, p.severity, p.line])).toEqual([
      ['code-lines', 'warning', 3],
      ['code-lines', 'warning', 11],
    ])
    expect(deck.problems[0]?.message).toMatch(/\{a-\} is not a list of line numbers/)
  })

  it('warns about a line list with no language before it, which marp-core 5 does not read either', () => {
    const deck = render(fence('{2}', 'a', 'b'))
    expect(deck.slides[0]).not.toContain('class="line')
    expect(deck.problems.map((p) => p.rule)).toEqual(['code-lines'])
    expect(deck.problems[0]?.message).toMatch(/no language before it/)
  })
})

describe('steps through lines', () => {
  it('gives each step of ```js {1|3-4|5} the fragment it starts at: the first from the slide start, one more per step', () => {
    const slide = render(fence('js {1|3-4|5}', ...FIVE)).slides[0] ?? ''
    expect(attr(codeTag(slide), 'data-ms-steps')).toBe('0 1 2')
    expect(slide).toMatch(/<section[^>]* data-marpit-fragments="2"/)
    expect(lines(slide).map((l) => [l.highlighted, l.steps])).toEqual([
      [false, '1'],
      [false, undefined],
      [false, '2'],
      [false, '2'],
      [false, '3'],
    ])
  })

  it('numbers steps among the fragmented list items of the slide, in document order', () => {
    const deck = render(['* one', '* two', '', fence('js {1|2}', 'a', 'b'), '', '* three', '', '---', '', '* four'].join('\n'))
    const slide = deck.slides[0] ?? ''
    expect([...slide.matchAll(/<li data-marpit-fragment="(\d+)">(\w+)/g)].map((m) => `${m[2]}:${m[1]}`)).toEqual(['one:1', 'two:2', 'three:4'])
    expect(attr(codeTag(slide), 'data-ms-steps')).toBe('2 3')
    expect(slide).toMatch(/<section[^>]* data-marpit-fragments="4"/)
    // The next slide counts from 1 again.
    expect(deck.slides[1]).toMatch(/<li data-marpit-fragment="1">four/)
  })

  it('tells the deck page runtime which step a fragment shows: none before the first', () => {
    const starts = parseSteps('2 3 4')
    expect([1, 2, 3, 4, 9].map((fragment) => stepAt(starts, fragment))).toEqual([0, 1, 2, 3, 3])
  })

  it('lets a line be in several steps', () => {
    const slide = render(fence('js {1|1-2}', 'a', 'b')).slides[0] ?? ''
    expect(lines(slide).map((l) => l.steps)).toEqual(['1 2', '2'])
  })
})

describe('line numbers', () => {
  it('numbers the lines of a fence that says showLineNumbers, with the width of the last number', () => {
    const slide = render(fence('js {1,3} showLineNumbers', ...FIVE, ...FIVE)).slides[0] ?? ''
    expect(attr(codeTag(slide), 'data-ms-line-numbers')).toBe('2')
    expect(lines(slide).filter((l) => l.highlighted)).toHaveLength(2)
    const plain = render(fence('js showLineNumbers', 'a')).slides[0] ?? ''
    expect(attr(codeTag(plain), 'data-ms-line-numbers')).toBe('1')
    expect(lines(plain)).toEqual([{ text: 'a', highlighted: false, steps: undefined }])
  })

  it('numbers every fence when the config says marp.lineNumbers, but not one that says hideLineNumbers', () => {
    const deck = render([fence('js', 'a'), '', fence('js hideLineNumbers', 'b'), '', fence('', 'c')].join('\n'), numbered)
    const tags = [...(deck.slides[0] ?? '').matchAll(/<code\b[^>]*>/g)].map((m) => m[0])
    expect(tags.map((t) => attr(t, 'data-ms-line-numbers'))).toEqual(['1', undefined, '1'])
  })
})
