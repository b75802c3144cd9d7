import { describe, expect, it } from 'vitest'
import { hashForSlide, slideFromHash, viewFromSearch } from '../src/client/hash.js'
import { actionForKey, KEY_HELP } from '../src/client/keys.js'
import { goTo, next, prev, upcoming } from '../src/client/position.js'

describe('deep-link hashes', () => {
  it.each([
    ['#1', 10, 0],
    ['#3', 10, 2],
    ['3', 10, 2],
    ['#/3', 10, 2],
    ['#3.2', 10, 2],
    ['#10', 10, 9],
    ['#99', 10, 9],
    ['#0', 10, 0],
    ['#-4', 10, 0],
  ])('%j in a deck of %i slides opens slide index %i', (hash, total, index) => {
    expect(slideFromHash(hash, total)).toBe(index)
  })

  it.each([[''], ['#'], ['#intro'], ['#3abc'], ['#1e3']])('%j is not a slide number', (hash) => {
    expect(slideFromHash(hash, 10)).toBeUndefined()
  })

  it('has nothing to open in an empty deck', () => {
    expect(slideFromHash('#1', 0)).toBeUndefined()
  })

  it('writes 1-based hashes', () => {
    expect(hashForSlide(0)).toBe('#1')
    expect(hashForSlide(11)).toBe('#12')
  })

  it('reads the presenter view from the query', () => {
    expect(viewFromSearch('?view=presenter')).toBe('presenter')
    expect(viewFromSearch('?x=1&view=presenter')).toBe('presenter')
    expect(viewFromSearch('')).toBe('audience')
    expect(viewFromSearch('?view=other')).toBe('audience')
    expect(viewFromSearch('?view=measure')).toBe('measure')
    expect(viewFromSearch('?view=print')).toBe('measure')
  })
})

describe('the key map', () => {
  const type = (key: string, mods: Partial<Record<'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => actionForKey({ key, ...mods })?.type

  it.each(['ArrowRight', 'ArrowDown', ' ', 'PageDown'])('%j goes forward', (key) => expect(type(key)).toBe('next'))
  it.each(['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace'])('%j goes back', (key) => expect(type(key)).toBe('prev'))

  it('maps the other keys', () => {
    expect(type('Home')).toBe('first')
    expect(type('End')).toBe('last')
    expect(type('Enter')).toBe('enter')
    expect(type('f')).toBe('fullscreen')
    expect(type('o')).toBe('overview')
    expect(type('p')).toBe('presenter')
    expect(type('?')).toBe('help')
    expect(type('Escape')).toBe('escape')
    expect(actionForKey({ key: '7' })).toEqual({ type: 'digit', digit: 7 })
    expect(type(' ', { shiftKey: true })).toBe('prev')
  })

  it('leaves browser shortcuts and unknown keys alone', () => {
    expect(type('ArrowLeft', { altKey: true })).toBeUndefined()
    expect(type('r', { ctrlKey: true })).toBeUndefined()
    expect(type('f', { metaKey: true })).toBeUndefined()
    expect(type('x')).toBeUndefined()
    expect(type('Tab')).toBeUndefined()
  })

  it('documents every key it maps', () => {
    const documented = KEY_HELP.map(([keys]) => keys).join(' ')
    for (const key of ['→', '←', 'Space', 'PageDown', 'PageUp', 'Backspace', 'Home', 'End', 'Enter', 'f', 'o', 'p', '?']) expect(documented).toContain(key)
  })
})

describe('positions with fragments', () => {
  // Slide 0 has no fragments, slide 1 has two, slide 2 has none.
  const fragments = [0, 2, 0]

  it('reveals fragments one by one before moving on', () => {
    let pos = goTo(0, fragments)
    const seen = []
    for (let i = 0; i < 5; i += 1) {
      pos = next(pos, fragments)
      seen.push(`${pos.slide}.${pos.fragment}`)
    }
    expect(seen).toEqual(['1.0', '1.1', '1.2', '2.0', '2.0'])
  })

  it('goes back through fragments, and onto a previous slide with all of them shown', () => {
    expect(prev({ slide: 1, fragment: 2 }, fragments)).toEqual({ slide: 1, fragment: 1 })
    expect(prev({ slide: 2, fragment: 0 }, fragments)).toEqual({ slide: 1, fragment: 2 })
    expect(prev({ slide: 0, fragment: 0 }, fragments)).toEqual({ slide: 0, fragment: 0 })
  })

  it('clamps jumps and knows what comes next', () => {
    expect(goTo(99, fragments)).toEqual({ slide: 2, fragment: 0 })
    expect(goTo(-1, fragments)).toEqual({ slide: 0, fragment: 0 })
    expect(upcoming({ slide: 1, fragment: 0 }, fragments)).toEqual({ slide: 1, fragment: 1 })
    expect(upcoming({ slide: 2, fragment: 0 }, fragments)).toBeUndefined()
  })
})
