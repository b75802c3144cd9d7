import type { Problem } from '../problems.js'

/** `dist/manifest.json`, the contract in ARCHITECTURE.md. */
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
  readonly problems: readonly ManifestProblem[]
}

export interface ManifestProblem {
  readonly deck: string
  readonly file: string
  readonly line?: number
  readonly slide?: number
  readonly rule: string
  readonly severity: 'error' | 'warning'
  readonly message: string
}

export function manifestProblem(slug: string, p: Problem): ManifestProblem {
  return {
    deck: slug,
    file: p.file,
    ...(p.line === undefined ? {} : { line: p.line }),
    ...(p.slide === undefined ? {} : { slide: p.slide }),
    rule: p.rule,
    severity: p.severity,
    message: p.message,
  }
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`
}
