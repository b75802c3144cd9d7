import type { DeckController } from './deck.js'

/**
 * The `o` grid of every slide. It shows the page's own slides (no copies), so opening it costs a
 * layout, not a re-render. Arrow keys move a highlight; Enter or a click jumps.
 */
export function createOverview(deck: DeckController, onChange: (open: boolean) => void) {
  let open = false
  let focus = 0
  const highlight = (index: number) => {
    deck.slides[focus]?.classList.remove('ms-focus')
    focus = Math.min(Math.max(index, 0), deck.total - 1)
    const svg = deck.slides[focus]
    svg?.classList.add('ms-focus')
    ;(svg as unknown as HTMLElement | undefined)?.focus?.({ preventScroll: true })
    svg?.scrollIntoView?.({ block: 'nearest' })
  }
  const columns = (): number => {
    const top = deck.slides[0]?.getBoundingClientRect().top
    let n = 0
    for (const svg of deck.slides) {
      if (svg.getBoundingClientRect().top !== top) break
      n += 1
    }
    return Math.max(n, 1)
  }
  const set = (value: boolean) => {
    open = value
    document.body.classList.toggle('ms-overview', open)
    deck.slides.forEach((svg, i) => {
      if (open) {
        svg.setAttribute('tabindex', '-1')
        svg.setAttribute('role', 'button')
        svg.setAttribute('aria-label', `Slide ${i + 1}`)
        svg.removeAttribute('aria-hidden')
      } else {
        svg.removeAttribute('tabindex')
        svg.removeAttribute('role')
        svg.removeAttribute('aria-label')
        svg.classList.remove('ms-focus')
        if (i !== deck.current.slide) svg.setAttribute('aria-hidden', 'true')
      }
    })
    if (open) highlight(deck.current.slide)
    onChange(open)
  }
  return {
    get open() {
      return open
    },
    toggle() {
      set(!open)
    },
    close() {
      if (open) set(false)
    },
    /** Handles a key while open; true when used. */
    key(key: string): boolean {
      if (!open) return false
      const cols = columns()
      const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -deck.total, End: deck.total }
      if (key in moves) {
        highlight(focus + (moves[key] ?? 0))
        return true
      }
      if (key === 'Enter' || key === ' ') {
        deck.goTo(focus)
        set(false)
        return true
      }
      if (key === 'Escape' || key === 'Esc' || key === 'o' || key === 'O') {
        set(false)
        return true
      }
      return true // other keys do nothing while the grid is open
    },
    /** A click on a slide in the grid: jump there. */
    click(target: EventTarget | null): boolean {
      if (!open) return false
      const svg = (target as Element | null)?.closest?.('svg[data-marpit-svg]')
      const index = svg ? deck.slides.indexOf(svg as SVGSVGElement) : -1
      if (index >= 0) {
        deck.goTo(index)
        set(false)
      }
      return true
    },
  }
}
