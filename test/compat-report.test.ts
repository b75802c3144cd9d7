import { describe, expect, it } from 'vitest'
import { type DeckResult, diffPercent, renderResults, summarize } from '../compat/lib/report.mjs'

const deck = (name: string, diffs: (number | null)[], extra: Partial<DeckResult> = {}): DeckResult => ({
  name,
  site: { slides: diffs.length, problems: {} },
  cli: { slides: diffs.length },
  slides: diffs.map((diff, i) => ({ slide: i + 1, diff })),
  ...extra,
})

const META = { date: '2026-01-01', versions: 'marp-site x, marp-cli y', chromium: 'z', seconds: 1 }

describe('compatibility report', () => {
  it('gives the share of differing pixels in percent, and 100 for an empty slide', () => {
    expect(diffPercent(0, 1280, 720)).toBe(0)
    expect(diffPercent(1280 * 360, 1280, 720)).toBe(50)
    expect(diffPercent(12, 100, 100)).toBe(0.12)
    expect(diffPercent(5, 0, 720)).toBe(100)
  })

  it('counts identical slides, slides within 0.1 %, and the worst slide of a deck', () => {
    const sum = summarize(deck('d', [0, 0.05, 0.1, 3.5, 0.2]))
    expect(sum).toMatchObject({ identical: 1, within: 3, worst: { slide: 4, diff: 3.5 } })
  })

  it('takes a slide only one side has as the worst, at 100 %', () => {
    const sum = summarize(deck('d', [0, 7, null], { site: { slides: 3, problems: {} }, cli: { slides: 2 } }))
    expect(sum.worst).toEqual({ slide: 3, diff: 100 })
    expect(sum.within).toBe(1)
  })

  it('writes one row per deck in name order, problems counted by rule, and lists only slides over 0.1 %', () => {
    const md = renderResults(
      [deck('zeta', [0, 0.08]), deck('alpha', [0, 2.5, 0.3], { site: { slides: 3, problems: { 'missing-asset': 2, 'unknown-theme': 1 } } })],
      META,
    )
    const rows = md.split('\n').filter((l) => /^\| (alpha|zeta) /.test(l))
    expect(rows).toEqual([
      '| alpha | 3 | 3 | 1 | 1 | 2.50 % (slide 2) | missing-asset ×2, unknown-theme ×1 |',
      '| zeta | 2 | 2 | 1 | 2 | 0.08 % (slide 2) | – |',
    ])
    expect(md).toContain('- **alpha**: 2: 2.50 %; 3: 0.30 %')
    expect(md).not.toContain('- **zeta**')
    expect(md).toContain('**2 decks, 5 slides: 2 identical, 3 within 0.1 %; 0 decks with a different slide count.**')
  })

  it('keeps a build error and a pipe in a message from breaking the table', () => {
    const md = renderResults([deck('bad', [], { site: { slides: null, error: 'exit 1: a | b' }, cli: { slides: null } })], META)
    expect(md).toContain('| bad | – | – | 0 | 0 | – **exit 1: a \\| b** | – |')
    expect(md).toContain('- **bad**: not built by marp-site: exit 1: a \\| b')
  })
})
