import { createRequire } from 'node:module'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { discoverThemes } from '../src/discover/themes.js'
import { renderDeck, type RenderedDeck } from '../src/render/deck.js'
import { createEngine, type Engine } from '../src/render/engine.js'
import { drawDiagram, hasDiagrams, loadDiagramRenderer } from '../src/render/mermaid.js'
import { REPO } from './helpers/project.js'

let engine: Engine
beforeAll(async () => {
  const { themes } = await discoverThemes(REPO, path.join(REPO, 'themes'), path.join(REPO, 'themes'))
  engine = createEngine({ themes, defaultTheme: 'marp-site', marp: {} })
  await loadDiagramRenderer()
})

function render(markdown: string): RenderedDeck {
  const result = renderDeck(engine, { markdown, source: 'slides/deck.md', slug: 'deck' })
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.problems)}`)
  return result.deck
}

const fence = (body: string) => `\`\`\`mermaid\n${body}\n\`\`\``

/** One of each diagram type, with the labels it must show as SVG text. */
const DIAGRAMS = {
  flowchart: { source: 'flowchart LR\n  A[Write] --> B{Valid?}\n  B -->|yes| C[Publish]\n  B -->|no| A', labels: ['Write', 'Valid?', 'Publish', 'yes'] },
  sequence: { source: 'sequenceDiagram\n  Alice->>Bob: Hello Bob\n  Bob-->>Alice: Hi Alice', labels: ['Alice', 'Bob', 'Hello Bob', 'Hi Alice'] },
  class: { source: 'classDiagram\n  Animal <|-- Duck\n  class Duck {\n    +swim()\n  }', labels: ['Animal', 'Duck', 'swim()'] },
  state: { source: 'stateDiagram-v2\n  [*] --> Idle\n  Idle --> Busy: start\n  Busy --> [*]', labels: ['Idle', 'Busy', 'start'] },
  er: { source: 'erDiagram\n  CUSTOMER ||--o{ ORDER : places\n  ORDER ||--|{ LINE_ITEM : contains', labels: ['CUSTOMER', 'ORDER', 'LINE_ITEM', 'places'] },
} as const

/** The text of every `<text>` element of an SVG. */
const texts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => (m[1] ?? '').replace(/<[^>]+>/g, '').trim())

describe('Mermaid diagrams drawn at build time', () => {
  for (const [type, { source, labels }] of Object.entries(DIAGRAMS)) {
    it(`draws a ${type} diagram as an inline SVG with its labels as text, not as a code block`, () => {
      const deck = render(`# ${type}\n\n${fence(source)}\n`)
      expect(deck.problems).toEqual([])
      const slide = deck.slides[0] ?? ''
      const svg = /<svg data-marp-mermaid="1"[\s\S]*?<\/svg>\s*<\/p>/.exec(slide)?.[0] ?? ''
      expect(svg).not.toBe('')
      expect(slide).not.toContain('<pre')
      for (const label of labels) expect(texts(svg).join('\n')).toContain(label)
    })
  }

  it('leaves nothing to fetch and nothing that reaches outside the diagram: no font import, scoped styles and ids', () => {
    const deck = render(`${fence(DIAGRAMS.flowchart.source)}\n\n${fence(DIAGRAMS.state.source)}\n`)
    const slide = deck.slides[0] ?? ''
    expect(slide).not.toMatch(/@import|googleapis|https?:\/\/(?!www\.w3\.org)/)
    // Every rule of both diagrams' styles names its own diagram.
    const rules = [...slide.matchAll(/<style>([\s\S]*?)<\/style>/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/([^{}]+)\{/g)].map((r) => (r[1] ?? '').trim()))
    expect(rules.length).toBeGreaterThan(3)
    for (const rule of rules) expect(rule).toMatch(/^svg\[data-marp-mermaid="[12]"\]/)
    // Ids are unique in the slide, and every url(#…) points at one of them.
    const ids = [...slide.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
    for (const [, ref] of slide.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref)
    // The text takes the slide's font; the colours are the theme's variables.
    expect(slide).toContain('font-family: var(--marp-mermaid-font, inherit)')
    expect(slide).toContain('--fg:var(--marp-mermaid-foreground')
    expect(deck.css).toContain('svg[data-marp-mermaid]{display:block')
  })

  it('adds no CSS to a deck without diagrams, and tells such decks apart', () => {
    expect(render('# Plain\n\n```js\nmermaid()\n```\n').css).not.toContain('data-marp-mermaid')
    expect(hasDiagrams('# a\n\n```mermaid\ngraph TD\n```')).toBe(true)
    expect(hasDiagrams('# a\n\n~~~ mermaid\ngraph TD\n~~~')).toBe(true)
    expect(hasDiagrams('- a list\n\n      ```mermaid\n      graph TD\n      ```')).toBe(true)
    expect(hasDiagrams('> ```mermaid\n> graph TD\n> ```')).toBe(true)
    expect(hasDiagrams('# a\n\n```mermaidx\n```\n\nmermaid in text')).toBe(false)
  })

  it('reports a diagram that cannot be drawn as a `diagram` error at its line in the deck file, and shows its source as code', () => {
    const markdown = `---\npaginate: true\n---\n\n# Good\n\n${fence(DIAGRAMS.sequence.source)}\n\n---\n\n# Bad\n\n${fence('pie\n  "dogs": 3')}\n`
    const deck = render(markdown)
    const line = markdown.split('\n').indexOf('pie') // the fence opens on the line before: 1-based, that is this index
    expect(deck.problems).toEqual([
      expect.objectContaining({
        rule: 'diagram',
        severity: 'error',
        file: 'slides/deck.md',
        line,
        message: expect.stringContaining('Invalid mermaid header: "pie"'),
      }),
    ])
    expect(deck.slides[0]).toContain('data-marp-mermaid="1"')
    expect(deck.slides[1]).toMatch(/<pre[\s\S]*pie[\s\S]*dogs/)
    expect(deck.slides[1]).not.toContain('data-marp-mermaid')
  })

  it('keeps each drawing by its source: the same diagram again is not drawn again', () => {
    const source = 'flowchart TD\n  Memo --> Hit'
    const first = drawDiagram(source)
    expect(drawDiagram(source)).toBe(first)
    expect(drawDiagram(`${source}\n  Hit --> Again`)).not.toBe(first)
  })
})

describe('the bundled render worker with diagrams', () => {
  it('loads the Mermaid bundle only for a deck with a diagram, and draws it as the modules do', async () => {
    const { loadBundle } = await import('../src/render/bundle.js')
    const dir = path.join(REPO, 'lib', 'render')
    const run = loadBundle(dir).exports['default'] as (task: unknown) => unknown
    const { themes } = await discoverThemes(REPO, path.join(REPO, 'themes'), path.join(REPO, 'themes'))
    const keyed = { key: 'test', setup: { themes, defaultTheme: 'marp-site', marp: {} } }
    const mermaidBundle = path.join(dir, 'mermaid.bundle.cjs')
    const required = () => Object.keys(createRequire(import.meta.url).cache).includes(mermaidBundle)

    const plain = run({ render: { markdown: '# No diagram', source: 'slides/p.md', slug: 'p' }, with: keyed })
    expect(plain).not.toBeInstanceOf(Promise)
    expect(required()).toBe(false)

    const input = { markdown: `# Flow\n\n${fence(DIAGRAMS.flowchart.source)}\n`, source: 'slides/f.md', slug: 'f' }
    const bundled = (await run({ render: input, with: keyed })) as { ok: boolean; deck: RenderedDeck }
    expect(required()).toBe(true)
    expect(bundled.ok).toBe(true)
    expect(bundled.deck.slides[0]).toContain('data-marp-mermaid="1"')
    expect(bundled).toEqual(renderDeck(engine, input))
  })
})
