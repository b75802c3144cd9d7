import type { EarlyThreads } from '../render/threads.js'
import type { RuleSettings } from '../rules.js'
import type { ManifestDeck } from '../write/manifest.js'
import type { Problem } from '../problems.js'
import type { BuildSession } from './session.js'

/** What a build reports as it goes: each deck rendered, then each deck's PDF made (or its pictures taken, in a build without PDFs). */
export interface BuildProgress {
  readonly phase: 'render' | 'pdf' | 'images'
  readonly done: number
  readonly total: number
  /** The deck, relative to the project root. */
  readonly source: string
}

/** The public options of `build`. */
export interface BuildOptions {
  /** Aborting stops the build and leaves the previous site as it was. */
  readonly signal?: AbortSignal
  readonly onProgress?: (event: BuildProgress) => void
  /** Environment for `CHROME_PATH` and `SOURCE_DATE_EPOCH` (default: process.env). */
  readonly env?: NodeJS.ProcessEnv
}

/**
 * What only `dev`, `check`, the CLI and the tests give a build (through `buildWith`), kept out of the
 * public options.
 */
export interface BuildContext {
  /** Kept between builds by `dev`: warm render workers and the renders of unchanged decks. */
  readonly session?: BuildSession
  /** Update the out dir file by file instead of swapping in a new one (`dev`'s rebuilds; see write/in-place.ts). */
  readonly inPlace?: boolean
  /** false: neither use nor record the fingerprint of the out dir (`check` builds into a temp dir). */
  readonly stamp?: boolean
  /** Render threads the caller started early: taken over when decks need rendering, stopped when none do. */
  readonly early?: EarlyThreads
  /** Replaces what identifies marp-site's own code in cache keys (tests). */
  readonly toolKey?: string
  /** Where to look for a browser when none is configured (default: the usual install locations). */
  readonly browserCandidates?: readonly string[]
  /** Render threads (default: see workersFor). */
  readonly threads?: number
  /** false: take no pictures of the decks (thumbnails, slide images, PPTX) whatever the config says (dev, check). */
  readonly media?: false
}

export interface BuildResult {
  readonly outDir: string
  /** Decks found in the slides dir, built or not. */
  readonly found: number
  readonly decks: readonly ManifestDeck[]
  /** Every problem: per deck, per theme, and decks that could not be listed. */
  readonly problems: readonly Problem[]
  readonly slides: number
  /** Sources of decks that failed and kept their previous page. */
  readonly kept: readonly string[]
  /** Site-wide messages (no browser for PDFs, ...), not tied to a deck. */
  readonly notices: readonly string[]
  /** Advice that is not a warning (no `url`: no social cards, sitemap or feed); the CLI shows it on a terminal. */
  readonly hints: readonly string[]
  readonly pdf: { readonly printed: number; readonly reused: number; readonly browser: string | undefined }
  /** Each deck's own rule switches (front-matter `rules`), by source, for decks that have some. */
  readonly deckRules: Readonly<Record<string, RuleSettings>>
  /** The line each slide starts on, by deck source (for problems found at a slide, such as overflow). */
  readonly slideLines: Readonly<Record<string, readonly number[]>>
  /** Nothing had changed since the last build of this out dir, so nothing was done. */
  readonly upToDate: boolean
  /** Decks rendered by this build (the others came from the cache). */
  readonly rendered: number
  readonly durationMs: number
}
