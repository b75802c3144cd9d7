/** Deep links: `#3` is the third slide. Pure, so it is unit-tested without a browser. */

/** Index (0-based) of the slide a hash points at, clamped to the deck; undefined without a usable number. */
export function slideFromHash(hash: string, total: number): number | undefined {
  const match = /^#?\/?(-?\d+)(?:[.:]\d+)?\/?$/.exec(hash.trim())
  if (!match || total <= 0) return undefined
  const n = Number.parseInt(match[1] ?? '', 10)
  if (!Number.isFinite(n)) return undefined
  return Math.min(Math.max(n, 1), total) - 1
}

export function hashForSlide(index: number): string {
  return `#${index + 1}`
}

/**
 * `?view=presenter` opens the presenter view; `?view=measure` and `?view=print` leave the page as it
 * is without the runtime (every slide at its size, one under the other, nothing hidden from assistive
 * technology), for the dev server's overflow measurement and for printing PDFs.
 */
export function viewFromSearch(search: string): 'presenter' | 'audience' | 'measure' {
  const view = new URLSearchParams(search).get('view')
  if (view === 'print') return 'measure'
  return view === 'presenter' || view === 'measure' ? view : 'audience'
}
