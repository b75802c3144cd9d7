import { lastCodeFragment, showCodeSteps } from './code-steps.js'
import { hashForSlide, slideFromHash } from './hash.js'
import { goTo, next, prev, samePosition, type Position } from './position.js'

export type MoveSource = 'user' | 'sync' | 'history' | 'init'

/** Plays the change from slide `from` to slide `to` (indexes); must call `show` (now or later) exactly once. */
export type SlideChange = (from: number, to: number, source: MoveSource, show: () => void) => void

/**
 * The slides of the page and where the talk is. Moving shows one slide, hides the rest from
 * screen readers, reveals fragments up to the position and keeps the URL hash in step.
 * Work per move is constant: only the old and new slides are touched.
 */
export class DeckController {
  readonly slides: SVGSVGElement[]
  fragments: number[]
  private position: Position = { slide: 0, fragment: 0 }
  private readonly listeners: ((position: Position, source: MoveSource) => void)[] = []
  /** The slide on screen; it trails `position` while a transition waits to swap them. */
  private shown = -1
  /** How a slide change is shown (the audience view's transitions); unset: at once. */
  change: SlideChange | undefined

  constructor(root: ParentNode) {
    this.slides = [...root.querySelectorAll<SVGSVGElement>('div.marpit > svg[data-marpit-svg]')]
    this.fragments = this.countFragments()
    this.slides.forEach((svg, i) => {
      svg.setAttribute('aria-hidden', 'true')
      svg.setAttribute('data-ms-slide', String(i + 1))
    })
  }

  private countFragments(): number[] {
    return this.slides.map((svg) => {
      let max = 0
      for (const el of svg.querySelectorAll('[data-marpit-fragment]')) max = Math.max(max, Number(el.getAttribute('data-marpit-fragment')) || 0)
      return Math.max(max, lastCodeFragment(svg))
    })
  }

  /** After the slides' content was replaced in place (dev's live update): same slide, fragments counted again. */
  refresh(): void {
    this.fragments = this.countFragments()
    const { slide } = this.position
    this.move({ slide, fragment: Math.min(this.position.fragment, this.fragments[slide] ?? 0) }, 'init', true)
  }

  get total(): number {
    return this.slides.length
  }

  get current(): Position {
    return this.position
  }

  onMove(listener: (position: Position, source: MoveSource) => void): void {
    this.listeners.push(listener)
  }

  next(): void {
    this.move(next(this.position, this.fragments), 'user')
  }

  prev(): void {
    this.move(prev(this.position, this.fragments), 'user')
  }

  goTo(slide: number, source: MoveSource = 'user'): void {
    this.move(goTo(slide, this.fragments), source)
  }

  /** Moves to the slide in the hash (clamped); a hash without a number means the first slide. */
  fromHash(source: MoveSource): void {
    const slide = slideFromHash(location.hash, this.total) ?? 0
    this.move(goTo(slide, this.fragments), source, true)
  }

  move(target: Position, source: MoveSource, force = false): void {
    if (this.total === 0) return
    const before = this.position
    if (!force && samePosition(before, target)) return
    this.position = target
    if (force || before.slide !== target.slide) {
      const show = () => this.show(target.slide, force)
      if (!force && this.change && this.shown !== -1) this.change(this.shown, target.slide, source, show)
      else show()
    }
    this.showFragments(target)
    this.syncHash(source)
    for (const listener of this.listeners) listener(target, source)
  }

  private show(slide: number, again = false): void {
    if (slide === this.shown && !again) return
    const old = this.slides[this.shown]
    old?.classList.remove('ms-active')
    old?.setAttribute('aria-hidden', 'true')
    const now = this.slides[slide]
    now?.classList.add('ms-active')
    now?.removeAttribute('aria-hidden')
    this.shown = slide
  }

  private showFragments(pos: Position): void {
    const svg = this.slides[pos.slide]
    if (!svg) return
    for (const el of svg.querySelectorAll('[data-marpit-fragment]')) {
      const n = Number(el.getAttribute('data-marpit-fragment')) || 0
      el.setAttribute('data-ms-fragment', n <= pos.fragment ? 'shown' : 'hidden')
    }
    showCodeSteps(svg, pos.fragment)
  }

  private syncHash(source: MoveSource): void {
    const hash = hashForSlide(this.position.slide)
    if (location.hash === hash) return
    const url = `${location.pathname}${location.search}${hash}`
    try {
      // A user's own moves make history entries, so Back returns to the previous slide.
      if (source === 'user') history.pushState(null, '', url)
      else history.replaceState(null, '', url)
    } catch {
      // some file:// contexts refuse history changes; the hash is a convenience only
    }
  }
}
