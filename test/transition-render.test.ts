import { describe, expect, it } from 'vitest'
import { renderDeck, type RenderedDeck } from '../src/render/deck.js'
import { createEngine } from '../src/render/engine.js'
import { BUILT_IN_TRANSITIONS, parseTransition } from '../src/render/transition.js'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { REPO } from './helpers/project.js'

function render(markdown: string): RenderedDeck {
  const result = renderDeck(createEngine({ themes: [], defaultTheme: 'default', marp: {} }), { markdown, source: 'slides/deck.md', slug: 'deck' })
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.problems)}`)
  return result.deck
}

/** The transition attributes of each slide's section. */
function transitions(deck: RenderedDeck): Record<string, string>[] {
  return deck.slides.map((svg) => {
    const section = /<section\b[^>]*>/.exec(svg)?.[0] ?? ''
    return Object.fromEntries([...section.matchAll(/ data-(transition[\w-]*)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']))
  })
}

describe('the transition directive on each slide', () => {
  it('applies a front-matter transition to every slide, a comment from its slide on, and a scoped one to its slide only', () => {
    const deck = render(
      [
        '---',
        'transition: fade',
        '---',
        '# One',
        '---',
        '<!-- transition: cover -->',
        '# Two',
        '---',
        '<!-- _transition: none -->',
        '# Three',
        '---',
        '# Four',
      ].join('\n'),
    )
    expect(transitions(deck)).toEqual([{ transition: 'fade' }, { transition: 'cover' }, { transition: 'none' }, { transition: 'cover' }])
    expect(deck.problems).toEqual([])
  })

  it('carries a duration in seconds or milliseconds as milliseconds', () => {
    const deck = render(
      [
        '---',
        'transition: fade 1s',
        '---',
        '# One',
        '---',
        '<!-- transition: push 300ms -->',
        '# Two',
        '---',
        '<!-- _transition: zoom .25s -->',
        '# Three',
      ].join('\n'),
    )
    expect(transitions(deck)).toEqual([
      { transition: 'fade', 'transition-duration': '1000' },
      { transition: 'push', 'transition-duration': '300' },
      { transition: 'zoom', 'transition-duration': '250' },
    ])
  })

  it('leaves slides without the directive without a transition', () => {
    expect(transitions(render('# One\n\n---\n\n# Two'))).toEqual([{}, {}])
  })

  it('names the keyframes a deck style defines for a custom transition, which win over a built-in name', () => {
    const deck = render(
      [
        '---',
        'transition: mine',
        '---',
        '<style>',
        '@keyframes marp-incoming-transition-mine { from { opacity: 0 } }',
        '@keyframes marp-outgoing-transition-backward-mine { to { opacity: 0 } }',
        '@keyframes marp-transition-fade { to { opacity: 0 } }',
        '</style>',
        '# One',
        '---',
        '<!-- transition: fade -->',
        '# Two',
      ].join('\n'),
    )
    expect(transitions(deck)).toEqual([
      { transition: 'mine', 'transition-keyframes': 'marp-incoming-transition-mine marp-outgoing-transition-backward-mine' },
      { transition: 'fade', 'transition-keyframes': 'marp-transition-fade' },
    ])
    expect(deck.problems).toEqual([])
  })

  it('reports an unknown name at the line of its directive and changes those slides instantly', () => {
    const deck = render(['---', 'transition: bogus', '---', '# One', '---', '<!-- transition: fade 2x -->', '# Two'].join('\n'))
    expect(transitions(deck)).toEqual([{ transition: 'none' }, {}])
    expect(deck.problems.map((p) => [p.rule, p.severity, p.line])).toEqual([
      ['unknown-transition', 'warning', 2],
      ['unknown-transition', 'warning', 6],
    ])
    expect(deck.problems[0]?.message).toContain('"bogus"')
  })
})

describe('parseTransition', () => {
  it('reads a name and an optional duration, and refuses anything else', () => {
    expect(parseTransition('fade')).toEqual({ name: 'fade' })
    expect(parseTransition(' iris-in 1.5s ')).toEqual({ name: 'iris-in', duration: 1500 })
    expect(parseTransition('fade 1x')).toBeUndefined()
    expect(parseTransition('fade; color: red')).toBeUndefined()
    expect(parseTransition(3)).toBeUndefined()
  })
})

describe('the built-in transitions', () => {
  it('has keyframes for both slides of each of the 32 names marp-cli offers', async () => {
    const css = await readFile(path.join(REPO, 'src/client/transitions.css'), 'utf8')
    expect(BUILT_IN_TRANSITIONS).toHaveLength(32)
    for (const name of BUILT_IN_TRANSITIONS) {
      expect(css, name).toContain(`@keyframes ms-transition-${name}-in {`)
      expect(css, name).toContain(`@keyframes ms-transition-${name}-out {`)
    }
  })
})
