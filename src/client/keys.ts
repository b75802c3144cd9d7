/** The keyboard map. Pure: a key event's fields in, an action out. */

export type Action =
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'digit'; digit: number }
  | { type: 'enter' }
  | { type: 'fullscreen' }
  | { type: 'overview' }
  | { type: 'presenter' }
  | { type: 'help' }
  | { type: 'escape' }
  | { type: 'search' }

export interface KeyLike {
  readonly key: string
  readonly shiftKey?: boolean
  readonly ctrlKey?: boolean
  readonly metaKey?: boolean
  readonly altKey?: boolean
}

/** What each key does, for the help overlay; keep in step with {@link actionForKey}. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['→ ↓ Space PageDown Enter', 'next slide'],
  ['← ↑ PageUp Backspace', 'previous slide'],
  ['Home / End', 'first / last slide'],
  ['number, then Enter', 'go to that slide'],
  ['f', 'fullscreen'],
  ['o', 'overview of all slides (Esc closes)'],
  ['p', 'presenter view with notes, next slide and timer'],
  ['?', 'this help'],
  ['/', 'search this deck (Ctrl+F is still the browser’s find)'],
  ['click or tap right / left half, swipe', 'next / previous'],
]

export function actionForKey(event: KeyLike): Action | undefined {
  // Leave browser and OS shortcuts (Ctrl+R, Cmd+L, Alt+←) alone.
  if (event.ctrlKey || event.metaKey || event.altKey) return undefined
  const { key } = event
  if (/^[0-9]$/.test(key)) return { type: 'digit', digit: Number(key) }
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
    case 'PageDown':
    case 'Right':
    case 'Down':
      return { type: 'next' }
    case ' ':
    case 'Spacebar':
      return event.shiftKey ? { type: 'prev' } : { type: 'next' }
    case 'Enter':
      return { type: 'enter' }
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'PageUp':
    case 'Backspace':
    case 'Left':
    case 'Up':
      return { type: 'prev' }
    case 'Home':
      return { type: 'first' }
    case 'End':
      return { type: 'last' }
    case 'f':
    case 'F':
      return { type: 'fullscreen' }
    case 'o':
    case 'O':
      return { type: 'overview' }
    case 'p':
    case 'P':
      return { type: 'presenter' }
    case '?':
      return { type: 'help' }
    case '/':
      return { type: 'search' }
    case 'Escape':
    case 'Esc':
      return { type: 'escape' }
    default:
      return undefined
  }
}
