import type { ProblemRecord } from '../problems.js'

/** `dist/manifest.json`, the contract in docs/architecture.md and the README. */
export interface Manifest {
  readonly generator: string
  readonly decks: readonly ManifestDeck[]
  /**
   * Problems of the site that no deck's `problems` holds: of its themes (a theme that does not parse,
   * a remote `@import`), and of listing the decks (slug conflicts). `deck` is the slug of the deck the
   * problem names when that deck is in `decks`, else `''`.
   */
  readonly problems: readonly ProblemRecord[]
}

export interface ManifestDeck {
  readonly slug: string
  readonly source: string
  readonly title: string
  readonly description: string
  readonly slides: number
  readonly html: string
  readonly pdf: string | null
  /** Site paths of the slide images (config `images`), or null; absent from manifests before marp-site made them. */
  readonly images?: readonly string[] | null
  /** Site path of the PPTX (config `pptx`), or null. */
  readonly pptx?: string | null
  /** In the one wire shape of a problem (problemRecord), keys in its order: deck, file, line, slide, rule, severity, message. */
  readonly problems: readonly ProblemRecord[]
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`
}
