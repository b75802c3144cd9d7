import type { MoveSource, SlideChange } from './deck.js'

/**
 * Slide transitions of the audience view (the `transition` directive, as in marp-cli's bespoke
 * template), played with the View Transition API: the slide on screen is captured as the group
 * `ms-slide`, the other slide is shown, and transitions.css animates the old and new pictures with
 * the keyframes set here in custom properties on <html>. A browser without the API, a viewer who
 * prefers reduced motion, and slides with no transition (or `none`) change at once.
 */

const DEFAULT_MS = 500

/** One side's animation: keyframes, played forwards or reversed. */
interface Side {
  readonly name: string
  readonly reverse: boolean
  /** The keyframes are the backward ones (`--marp-transition-direction` is -1 for them). */
  readonly backward: boolean
}

interface Sides {
  readonly old: Side
  readonly new: Side
}

const NONE: Side = { name: 'none', reverse: false, backward: false }

/** The forward animations of a transition: a built-in one, or keyframes a theme or deck defines. */
function forward(name: string, keyframes: readonly string[] | undefined): Sides {
  if (!keyframes) return { old: { ...NONE, name: `ms-transition-${name}-out` }, new: { ...NONE, name: `ms-transition-${name}-in` } }
  const has = (k: string) => keyframes.includes(k)
  const both = `marp-transition-${name}`
  const pick = (kind: 'outgoing' | 'incoming'): Side => {
    for (const k of [`marp-${kind}-transition-${name}`, `marp-${kind}-${name}`]) if (has(k)) return { ...NONE, name: k }
    // One keyframes for both: the new slide plays it reversed.
    return has(both) ? { ...NONE, name: both, reverse: kind === 'incoming' } : NONE
  }
  return { old: pick('outgoing'), new: pick('incoming') }
}

/**
 * Going back over a boundary plays its transition in reverse: the old slide runs the incoming
 * animation backwards (above the new one), the new slide the outgoing one; keyframes for going back
 * (`marp-outgoing-transition-backward-NAME`, ...) replace either side.
 */
function backward(name: string, keyframes: readonly string[] | undefined): Sides {
  const ahead = forward(name, keyframes)
  const has = (k: string) => keyframes?.includes(k) ?? false
  const both = `marp-transition-backward-${name}`
  const pick = (kind: 'outgoing' | 'incoming', fallback: Side): Side => {
    if (has(`marp-${kind}-transition-backward-${name}`)) return { name: `marp-${kind}-transition-backward-${name}`, reverse: false, backward: true }
    if (has(both)) return { name: both, reverse: kind === 'incoming', backward: true }
    return { ...fallback, reverse: !fallback.reverse }
  }
  return { old: pick('outgoing', ahead.new), new: pick('incoming', ahead.old) }
}

interface ViewTransition {
  readonly finished: Promise<void>
}
type StartViewTransition = (update: () => void) => ViewTransition

/** The change the audience view uses; `instant()` says when a move must not animate (the overview is open). */
export function createTransitions(slides: readonly SVGSVGElement[], instant: () => boolean): SlideChange {
  const root = document.documentElement
  const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)')
  let running: ViewTransition | undefined
  return (from: number, to: number, source: MoveSource, show: () => void) => {
    const start = (document as unknown as { startViewTransition?: StartViewTransition }).startViewTransition
    // The boundary's transition is the one of the slide before it, whichever way the move goes.
    const section = slides[Math.min(from, to)]?.querySelector('section[data-transition]')
    const name = section?.getAttribute('data-transition') ?? 'none'
    if (!start || reduce?.matches || instant() || source === 'init' || name === 'none' || !section) {
      show()
      return
    }
    const keyframes = section.getAttribute('data-transition-keyframes')?.split(' ')
    const sides = to > from ? forward(name, keyframes) : backward(name, keyframes)
    const duration = Number(section.getAttribute('data-transition-duration') ?? DEFAULT_MS) || DEFAULT_MS
    const vars: Record<string, string> = {
      '--ms-transition-duration': `${duration}ms`,
      '--ms-transition-old': sides.old.name,
      '--ms-transition-old-direction': sides.old.reverse ? 'reverse' : 'normal',
      '--ms-transition-old-sign': sides.old.backward ? '-1' : '1',
      // A side played backwards was the incoming one: it stays on top.
      '--ms-transition-old-z': sides.old.reverse && !sides.old.backward ? '1' : '0',
      '--ms-transition-new': sides.new.name,
      '--ms-transition-new-direction': sides.new.reverse ? 'reverse' : 'normal',
      '--ms-transition-new-sign': sides.new.backward ? '-1' : '1',
    }
    for (const [key, value] of Object.entries(vars)) root.style.setProperty(key, value)
    root.classList.add('ms-transitioning')
    const transition = start.call(document, show)
    running = transition
    const done = () => {
      if (running !== transition) return
      running = undefined
      root.classList.remove('ms-transitioning')
      for (const key of Object.keys(vars)) root.style.removeProperty(key)
    }
    transition.finished.then(done, done)
  }
}
