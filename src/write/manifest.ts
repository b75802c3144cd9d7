import type { ProblemRecord } from '../problems.js'

/** `dist/manifest.json`, the contract in docs/architecture.md and the README. */
export interface Manifest {
  readonly generator: string
  readonly decks: readonly ManifestDeck[]
}

export interface ManifestDeck {
  readonly slug: string
  readonly source: string
  readonly title: string
  readonly description: string
  readonly slides: number
  readonly html: string
  readonly pdf: string | null
  /** In the one wire shape of a problem (problemRecord), keys in its order: deck, file, line, slide, rule, severity, message. */
  readonly problems: readonly ProblemRecord[]
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`
}
