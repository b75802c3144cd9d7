import { realpath as realpathCallback, realpathSync, stat as statCallback, type Dirent } from 'node:fs'
import { readdir, readlink, stat } from 'node:fs/promises'
import path from 'node:path'
import { glob } from 'tinyglobby'
import { MarpSiteError, reason } from '../errors.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { swallowed } from '../log.js'
import { isInside, toPosix } from '../paths.js'
import { NOT_REGULAR, readRegularFileSync } from '../regular-file.js'
import { RESERVED_SLUGS, SiteClaims, slugFor } from './slug.js'

export interface DeckSource {
  /** Absolute path. */
  readonly file: string
  /** Relative to the project root, forward slashes: what messages and the manifest show. */
  readonly source: string
  readonly slug: string
}

export const DECK_PATTERNS = ['**/*.md', '**/*.markdown']

/**
 * Markdown files under the slides dir that are never decks: a folder's README, anything whose name (or
 * a folder's) starts with `_` (partials, notes, drafts kept aside), and dependencies. Dotfiles and
 * dot-folders are skipped too (the glob's `dot: false`). The config's `exclude` adds to these.
 */
export const NOT_DECKS = ['**/node_modules/**', '**/_*', '**/_*/**', '**/[Rr][Ee][Aa][Dd][Mm][Ee].md', '**/[Rr][Ee][Aa][Dd][Mm][Ee].markdown']
/** Larger decks are refused before rendering: Marpit has super-linear paths on huge inputs. */
export const MAX_DECK_BYTES = 5 * 1024 * 1024

/**
 * Lists the decks under the slides dir in a stable order. Symlinks are followed but must stay
 * inside the project (a folder link out of it is not even entered); a file reached twice (symlinked
 * folders, loops) is built once. Every deck whose page, thumbnail, PDF or folder would collide with
 * another deck's is refused here, before anything is written.
 */
export async function discoverDecks(
  root: string,
  slidesDir: string,
  exclude: readonly string[] = [],
  /** Folders inside the slides dir that are never searched (the out dir and the cache, when the slides dir is the root). */
  skip: readonly string[] = [],
): Promise<{ decks: DeckSource[]; problems: Problem[] }> {
  try {
    if (!(await stat(slidesDir)).isDirectory()) throw new Error('not a directory')
  } catch (error) {
    throw new MarpSiteError(
      'INPUT',
      `Slides dir not found: ${toPosix(path.relative(root, slidesDir)) || '.'} (${reason(error)}). Create it and add a .md deck, or pass --slides DIR`,
      { cause: error },
    )
  }

  const realRoot = realpathSync.native(root)
  const linksOut: string[] = []
  const found = await glob(DECK_PATTERNS, {
    cwd: slidesDir,
    followSymbolicLinks: true,
    dot: false,
    ignore: [
      ...NOT_DECKS,
      ...exclude,
      ...skip
        .filter((dir) => isInside(slidesDir, dir) && path.resolve(dir) !== path.resolve(slidesDir))
        .map((dir) => `${toPosix(path.relative(slidesDir, dir))}/**`),
    ],
    fs: { realpath: realpathInside(realRoot, linksOut) as unknown as typeof realpathCallback },
  })
  // Code-point order, not locale order: the same site on every machine.
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

  const decks: DeckSource[] = []
  const problems: Problem[] = linksOut
    .map((link) => toPosix(path.relative(root, path.resolve(slidesDir, link))))
    .sort()
    .map((link) => problem('unsafe-path', { file: link }, 'is a symlink to a folder outside the project; not followed'))
  const byRealPath = new Map<string, string>()
  const claims = new SiteClaims()

  for (const rel of found) {
    const file = path.join(slidesDir, rel)
    const source = toPosix(path.relative(root, file))
    let real: string
    try {
      // Synchronous: one call per deck on every build (and every save in dev), each a few microseconds,
      // where an awaited one costs a trip through the thread pool.
      real = realpathSync.native(file)
    } catch (error) {
      problems.push(problem('read-error', { file: source }, `cannot be read: ${reason(error)}`))
      continue
    }
    if (!isInside(realRoot, real)) {
      problems.push(problem('unsafe-path', { file: source }, 'is a symlink to a file outside the project; not built'))
      continue
    }
    const seen = byRealPath.get(real)
    if (seen !== undefined) {
      problems.push(problem('slug-conflict', { file: source }, `is the same file as ${seen} (a symlink or a symlink loop); built once`))
      continue
    }
    byRealPath.set(real, source)

    const slug = slugFor(toPosix(rel))
    if (RESERVED_SLUGS.has(slug.split('/')[0] ?? '')) {
      problems.push(problem('slug-conflict', { file: source }, `its URL "${slug}/" is reserved by marp-site; rename the file`, { blocking: true }))
      continue
    }
    const conflict = claims.claim(slug, source)
    if (conflict !== undefined) {
      problems.push(problem('slug-conflict', { file: source }, conflict, { blocking: true }))
      continue
    }
    decks.push({ file, source, slug })
  }
  problems.push(...(await unlistedDecks(root, slidesDir, new Set(found))))
  return { decks, problems }
}

/**
 * Deck names the glob leaves out, so that without this they would vanish from the site without a
 * word: symlinks to nothing, FIFOs, sockets and devices (never read: a FIFO blocks its reader), and
 * names of nothing but dots (`....md`: a hidden file by its first character, but surely not meant to
 * hide, and no name to make a URL from).
 */
async function unlistedDecks(root: string, slidesDir: string, found: ReadonlySet<string>): Promise<Problem[]> {
  // The slides dir was listed a moment ago; if it cannot be listed again, there is nothing more to report.
  const entries = await readdir(slidesDir, { recursive: true, withFileTypes: true }).catch(
    swallowed('discover', `listing ${slidesDir} for decks the glob leaves out`, [] as Dirent[]),
  )
  const problems: Problem[] = []
  for (const entry of entries) {
    if (entry.isDirectory() || !/\.(md|markdown)$/i.test(entry.name)) continue
    const file = path.join(entry.parentPath, entry.name)
    const rel = toPosix(path.relative(slidesDir, file))
    const source = toPosix(path.relative(root, file))
    if (
      found.has(rel) ||
      rel
        .split('/')
        .slice(0, -1)
        .some((part) => part.startsWith('.') || part === 'node_modules')
    )
      continue
    if (/^\.*\.(md|markdown)$/i.test(entry.name)) {
      problems.push(
        problem('slug-conflict', { file: source }, 'has a name of only dots, which gives no URL (and hides the file); rename it', { blocking: true }),
      )
    } else if (entry.name.startsWith('.')) {
    } else if (!entry.isSymbolicLink() && !entry.isFile()) {
      problems.push(problem('read-error', { file: source }, `${NOT_REGULAR}; not built`, { blocking: true }))
    } else if (entry.isSymbolicLink()) {
      // A link whose target is there after all (made since the listing) is not dangling.
      if (await stat(file).then(() => true, swallowed('discover', `${file} is a dangling link`, false))) continue
      // Only for the message: a link that cannot be read is shown as `?`.
      const target = await readlink(file).catch(swallowed('discover', `reading the link ${file}`, '?'))
      problems.push(problem('read-error', { file: source }, `is a symlink to ${target}, which does not exist; not built`))
    }
  }
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
}

/**
 * The glob's realpath, which refuses folder links that lead out of the project (`slides/root → /`
 * would walk the whole filesystem): each such link is noted in `linksOut` and not entered. A file
 * link out of the project resolves as before, and the listing reports it.
 */
function realpathInside(realRoot: string, linksOut: string[]) {
  return (link: string, callback: (error: NodeJS.ErrnoException | null, resolved: string) => void): void => {
    realpathCallback(link, (error, resolved) => {
      if (error || isInside(realRoot, resolved)) return callback(error, resolved)
      statCallback(resolved, (statError, info) => {
        if (statError || !info.isDirectory()) return callback(null, resolved)
        linksOut.push(link)
        // The glob skips a link it cannot resolve; the listing reports it from linksOut.
        callback(Object.assign(new Error(`${link} leads out of the project`), { code: 'ELOOP' }), resolved)
      })
    })
  }
}

/** `gone`: the file was deleted (or renamed) after the decks were listed: no longer a deck. */
export type ReadResult = { ok: true; text: string } | { ok: false; problem: Problem; gone?: true }

/** Reads a deck as UTF-8 text, refusing binary files, invalid UTF-8 and oversized files. */
export async function readDeck(deck: DeckSource): Promise<ReadResult> {
  const fail = (rule: Problem['rule'], message: string): ReadResult & { ok: false } => ({
    ok: false,
    problem: problem(rule, { file: deck.source }, message, { blocking: true }),
  })
  let bytes: Buffer
  try {
    // Synchronous, as the listing: every deck is read on every build, and most are a few kilobytes.
    // Only a regular file is read, and only once its size is known to be under the limit.
    const read = readRegularFileSync(deck.file, MAX_DECK_BYTES)
    if (!read.ok && 'notRegular' in read) return fail('read-error', `${NOT_REGULAR}; not built`)
    if (!read.ok) return fail('too-large', tooLarge(read.size))
    bytes = read.bytes
  } catch (error) {
    const failed = fail('read-error', `cannot be read: ${reason(error)}`)
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { ...failed, gone: true } : failed
  }
  // The file may have grown between its size and its read.
  if (bytes.length > MAX_DECK_BYTES) return fail('too-large', tooLarge(bytes.length))
  const text = decodeText(bytes)
  if (text === undefined) {
    if (bytes.includes(0)) return fail('encoding', 'is a binary file, not UTF-8 text')
    const line = lineOfInvalidUtf8(bytes)
    return {
      ok: false,
      problem: problem('encoding', { file: deck.source, line }, `is not UTF-8 text (line ${line} has the first invalid byte); save it as UTF-8`, {
        blocking: true,
      }),
    }
  }
  return { ok: true, text }
}

function tooLarge(size: number): string {
  return `is ${(size / 1048576).toFixed(1)} MB; decks over ${MAX_DECK_BYTES / 1048576} MB are not rendered`
}

/** UTF-8 decode that refuses NUL bytes and invalid sequences, and drops a BOM. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    // Invalid UTF-8: the caller reports the deck as an `encoding` problem.
    return undefined
  }
}

/**
 * The 1-based line of the first byte that is not valid UTF-8, as the decoder judges it: each line is
 * decoded on its own (a newline byte never occurs inside a UTF-8 sequence, so no character is cut).
 */
export function lineOfInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let line = 1
  for (let start = 0; start < bytes.length; line += 1) {
    const newline = bytes.indexOf(10, start)
    const end = newline === -1 ? bytes.length : newline
    try {
      decoder.decode(bytes.subarray(start, end))
    } catch {
      // This line holds the first invalid byte.
      return line
    }
    if (newline === -1) break
    start = newline + 1
  }
  return line
}
