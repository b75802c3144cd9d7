/**
 * Where the talk is: a slide and how many of its fragments (Marp's `*` lists) are shown.
 * Pure; `fragments[i]` is the number of fragments of slide i.
 */
export interface Position {
  readonly slide: number
  readonly fragment: number
}

export function next(pos: Position, fragments: readonly number[]): Position {
  if (pos.fragment < (fragments[pos.slide] ?? 0)) return { slide: pos.slide, fragment: pos.fragment + 1 }
  if (pos.slide < fragments.length - 1) return { slide: pos.slide + 1, fragment: 0 }
  return pos
}

/** Going back shows the previous slide as it was left: every fragment visible. */
export function prev(pos: Position, fragments: readonly number[]): Position {
  if (pos.fragment > 0) return { slide: pos.slide, fragment: pos.fragment - 1 }
  if (pos.slide > 0) return { slide: pos.slide - 1, fragment: fragments[pos.slide - 1] ?? 0 }
  return pos
}

export function goTo(slide: number, fragments: readonly number[], allFragments = false): Position {
  const clamped = Math.min(Math.max(slide, 0), Math.max(fragments.length - 1, 0))
  return { slide: clamped, fragment: allFragments ? (fragments[clamped] ?? 0) : 0 }
}

/** The position after `pos` as the audience would see it: the presenter's "next" pane. */
export function upcoming(pos: Position, fragments: readonly number[]): Position | undefined {
  const n = next(pos, fragments)
  return n.slide === pos.slide && n.fragment === pos.fragment ? undefined : n
}

export function samePosition(a: Position, b: Position): boolean {
  return a.slide === b.slide && a.fragment === b.fragment
}
