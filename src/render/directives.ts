import type { Marp } from '@marp-team/marp-core'

/**
 * Marpit's own directives (global, then local). Marpit reads these, and every custom directive,
 * as loose YAML in the front-matter; it does not export the list, so it is kept here and checked
 * against Marpit's in the tests.
 */
export const MARPIT_DIRECTIVES = [
  'headingDivider',
  'style',
  'theme',
  'lang',
  'backgroundColor',
  'backgroundImage',
  'backgroundPosition',
  'backgroundRepeat',
  'backgroundSize',
  'class',
  'color',
  'footer',
  'header',
  'paginate',
] as const

/** The metadata a deck gives through directives (front-matter or `<!-- title: … -->`), as marp-cli reads it. */
export interface DirectiveMeta {
  readonly title: string | undefined
  readonly description: string | undefined
  readonly author: string | undefined
  /** marp-cli's `image` directive: the picture shared links show (og:image). */
  readonly image: string | undefined
}

const META = { title: 'marpSiteTitle', description: 'marpSiteDescription', author: 'marpSiteAuthor', image: 'marpSiteImage' } as const

/**
 * Registers the directives marp-cli adds to marp-core (`title`, `description`, `author`, `keywords`,
 * `url`, `image`, and the local `transition`). Being directives, Marpit reads them as loose YAML
 * (`title: @someone` is the text "@someone" and does not make the whole front-matter unreadable), and
 * a `<!-- title: … -->` comment sets the title instead of becoming a speaker note, as under marp-cli.
 * Their values go to the render's global directives under names that add nothing to the HTML.
 */
export function useMarpCliDirectives(marp: Marp): void {
  const text =
    (name: string) =>
    (value: unknown): Record<string, string> =>
      typeof value === 'string' ? { [name]: value } : {}
  const ignored = () => ({})
  Object.assign(marp.customDirectives.global, {
    title: text(META.title),
    description: text(META.description),
    author: text(META.author),
    keywords: ignored,
    url: ignored,
    image: text(META.image),
  })
  marp.customDirectives.local['transition'] = ignored
}

/** Every key Marpit reads as loose YAML with this engine: its own directives and the custom ones. */
export function looseKeys(marp: Marp): readonly string[] {
  return [...MARPIT_DIRECTIVES, ...Object.keys(marp.customDirectives.global), ...Object.keys(marp.customDirectives.local)]
}

/** The metadata the last render's global directives gave (see useMarpCliDirectives). */
export function directiveMeta(globals: Readonly<Record<string, unknown>>): DirectiveMeta {
  const get = (key: string) => {
    const value = globals[key]
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  }
  return { title: get(META.title), description: get(META.description), author: get(META.author), image: get(META.image) }
}
