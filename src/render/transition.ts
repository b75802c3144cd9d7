import type { Marp } from '@marp-team/marp-core'

/**
 * The `transition` local directive (marp-cli's bespoke template has it; marp-core does not): the
 * animation at the boundary after a slide, `name [duration]` (`fade`, `cover 1s`, `push 300ms`).
 * The render puts it on each slide's `<section>` as `data-transition` (the name) and
 * `data-transition-duration` (milliseconds, when given); the deck page runtime plays it.
 */

/** marp-cli's built-in names; src/client/transitions.css has the keyframes of each. */
export const BUILT_IN_TRANSITIONS = [
  'clockwise',
  'counterclockwise',
  'cover',
  'coverflow',
  'cube',
  'cylinder',
  'diamond',
  'drop',
  'explode',
  'fade',
  'fade-out',
  'fall',
  'flip',
  'glow',
  'implode',
  'in-out',
  'iris-in',
  'iris-out',
  'melt',
  'overlap',
  'pivot',
  'pull',
  'push',
  'reveal',
  'rotate',
  'slide',
  'star',
  'swap',
  'swoosh',
  'wipe',
  'wiper',
  'zoom',
] as const

export interface TransitionValue {
  readonly name: string
  /** Milliseconds, when the directive gives a duration. */
  readonly duration?: number
}

/** `fade`, `fade 1s`, `cover 500ms`, `none`; undefined for a value that is no transition at all. */
export function parseTransition(value: unknown): TransitionValue | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^\s*([A-Za-z_][\w-]*)(?:\s+(\d+(?:\.\d+)?|\.\d+)(s|ms))?\s*$/.exec(value)
  if (!match) return undefined
  const name = match[1] ?? ''
  if (match[2] === undefined) return { name }
  const amount = Number(match[2])
  return { name, duration: Math.round(match[3] === 's' ? amount * 1000 : amount) }
}

/** Where a deck asked for a transition, for the unknown-name check. */
export interface TransitionDirective {
  readonly value: string
  readonly line: number | undefined
}

// Minimal structural types of the markdown-it objects we touch.
interface Token {
  type: string
  map: [number, number] | null
  meta: Record<string, unknown> | null
  attrSet(name: string, value: string): void
}
interface CoreState {
  tokens: Token[]
  env: { marpSite?: { transitions?: TransitionDirective[] } }
}
interface MarkdownIt {
  core: { ruler: { after(name: string, rule: string, fn: (state: CoreState) => void): void } }
}

/**
 * Registers `transition` as a custom local directive, and a rule after Marpit's directive apply
 * (whose list of directives was fixed when the engine was made) that writes it on each slide.
 */
export function installTransitionDirective(marp: Marp): void {
  const directives = marp.customDirectives.local as Record<string, (value: string) => Record<string, string>>
  directives['transition'] = (value) => ({ transition: value })
  marp.use(transitionPlugin as unknown as Parameters<Marp['use']>[0])
}

function transitionPlugin(md: MarkdownIt): void {
  md.core.ruler.after('marpit_directives_apply', 'marp_site_transition', (state) => {
    const found = state.env.marpSite?.transitions
    for (const token of state.tokens) {
      if (found && token.type === 'marpit_comment') {
        const parsed = token.meta?.['marpitParsedDirectives'] as Record<string, unknown> | undefined
        for (const key of ['transition', '_transition']) {
          const value = parsed?.[key]
          if (typeof value === 'string') found.push({ value, line: (token.map?.[0] ?? 0) + 1 })
        }
      }
      if (token.type !== 'marpit_slide_open') continue
      const transition = parseTransition((token.meta?.['marpitDirectives'] as Record<string, unknown> | undefined)?.['transition'])
      if (!transition) continue
      token.attrSet('data-transition', transition.name)
      if (transition.duration !== undefined) token.attrSet('data-transition-duration', String(transition.duration))
    }
  })
}

const KEYFRAMES = /@keyframes\s+(marp-(?:incoming-|outgoing-)?transition-[\w-]+|marp-(?:incoming|outgoing)-[\w-]+)/g

/** The transition keyframes (`marp-incoming-transition-NAME`, ...) a deck's CSS defines. */
export function transitionKeyframes(css: string): Set<string> {
  return new Set([...css.matchAll(KEYFRAMES)].map((m) => m[1] ?? ''))
}

/** The keyframes of the custom transition `name`, when the deck's CSS defines any (they win over a built-in). */
export function customKeyframes(name: string, defined: ReadonlySet<string>): string[] {
  const names = [
    `marp-transition-${name}`,
    `marp-outgoing-transition-${name}`,
    `marp-incoming-transition-${name}`,
    `marp-transition-backward-${name}`,
    `marp-outgoing-transition-backward-${name}`,
    `marp-incoming-transition-backward-${name}`,
    `marp-outgoing-${name}`,
    `marp-incoming-${name}`,
  ]
  return names.filter((n) => defined.has(n))
}

export interface ResolvedTransitions {
  readonly slides: string[]
  /** Names that are neither built in nor defined by the deck's CSS. */
  readonly unknown: ReadonlySet<string>
}

/**
 * After the render, when the deck's CSS is known: a custom transition's slides get the keyframes
 * its CSS defines (`data-transition-keyframes`), an unknown one becomes `none` (an instant change).
 */
export function resolveTransitions(slides: readonly string[], css: string): ResolvedTransitions {
  const defined = transitionKeyframes(css)
  const unknown = new Set<string>()
  const resolved = slides.map((slide) =>
    slide.replace(/ data-transition="([\w-]+)"/g, (whole, name: string) => {
      const custom = customKeyframes(name, defined)
      if (custom.length > 0) return `${whole} data-transition-keyframes="${custom.join(' ')}"`
      if (name === 'none' || (BUILT_IN_TRANSITIONS as readonly string[]).includes(name)) return whole
      unknown.add(name)
      return ' data-transition="none"'
    }),
  )
  return { slides: resolved, unknown }
}
