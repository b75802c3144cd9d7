import type { Manifest } from './manifest.js'

/**
 * Where a build writes the site. Two ways, one interface: the staging swap (staging.ts: a new site in
 * a folder beside the out dir, swapped in when everything is written, so a crash, a full disk or
 * Ctrl-C leaves the previous site whole), and `dev`'s in-place update (in-place.ts: file by file).
 */
export interface Staging {
  /** The folder the site is written to (printing serves it). */
  readonly dir: string
  /** The previous site's manifest, when there is one. */
  readonly previous: Manifest | undefined
  write(sitePath: string, data: string | Uint8Array): Promise<void>
  /** Writes a file whose name holds the hash of its content: linked from the previous site when it has it. */
  writeHashed(sitePath: string, data: string | Uint8Array): Promise<void>
  /** Copies a file (keeping its time): linked from the previous site when its copy there has the same size and time. */
  copy(from: string, sitePath: string): Promise<void>
  /**
   * Puts the previous site's `sitePath` into this one when it is still as `expected` (size and time),
   * by a hard link (a copy where links are not possible). False when there is no such file.
   */
  reuse(sitePath: string, expected: string): Promise<boolean>
  /** Size and time of a written file, as `reuse` expects them. */
  stateOf(sitePath: string): Promise<string | undefined>
  /**
   * Copies a folder of the previous site (a deck that failed this time keeps its last good page),
   * without the folders in `except` (other decks' folders nested in it, which are theirs to make).
   */
  carryOver(sitePath: string, except?: readonly string[]): Promise<boolean>
  commit(): Promise<void>
  discard(): Promise<void>
  /**
   * After `commit`: what a `dev` session may keep of the site as it is now, so that the next in-place
   * rebuild need not read the manifest back nor list the out dir (see openInPlace). Undefined when
   * there is nothing to keep (the staging swap, or before a commit).
   */
  remember(manifest: Manifest): SiteMemory | undefined
}

/** What a `dev` session keeps of the site its last build left in the out dir. */
export interface SiteMemory {
  readonly manifest: Manifest
  /** The manifest file's size and time (statStamp) just after that build. */
  readonly manifestStamp: string
  /** Every file that build left in the out dir, by site path. */
  readonly files: ReadonlySet<string>
}

/** Reuses every one of `paths` from the previous site, or none. */
export async function reuseAll(staging: Staging, paths: readonly string[], files: Readonly<Record<string, string>>): Promise<boolean> {
  for (const sitePath of paths) {
    const expected = files[sitePath]
    if (expected === undefined || !(await staging.reuse(sitePath, expected))) return false
  }
  return true
}
