import { readFile, stat } from 'node:fs/promises'
import { statStamp } from '../cache/fingerprint.js'
import { contentHash } from '../hash.js'
import type { AssetCopy } from '../discover/assets.js'

/**
 * Content hashes of the files decks link, remembered by each file's size, time and inode: a PDF's
 * content key hashes every file its deck links, and `dev` works that key out on every save (to keep
 * the PDFs that are still current), so an unchanged picture is read once per process, not per save.
 */
const known = new Map<string, { readonly stamp: string; readonly hash: string }>()
/** Enough for a large site's pictures; past it the memory starts again (a cost in reads, never in truth). */
const MAX_KNOWN = 20_000

export async function fileHash(file: string): Promise<string> {
  const stamp = statStamp(await stat(file))
  const before = known.get(file)
  if (before?.stamp === stamp) return before.hash
  const hash = contentHash(await readFile(file))
  if (known.size >= MAX_KNOWN) known.clear()
  known.set(file, { stamp, hash })
  return hash
}

/** `target:hash` of each file a deck links, for its content key. */
export function assetHashes(copies: readonly AssetCopy[]): Promise<string[]> {
  return Promise.all(copies.map(async (c) => `${c.target}:${await fileHash(c.from)}`))
}
