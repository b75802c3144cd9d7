import { readFileSync, realpathSync, type Dirent } from 'node:fs'
import { readdir, readlink, stat } from 'node:fs/promises'
import path from 'node:path'
import { glob } from 'tinyglobby'
import { MarpSiteError, reason } from '../errors.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { swallowed } from '../log.js'
import { isInside, toPosix } from '../paths.js'
import { RESERVED_SLUGS, slugFor } from './slug.js'

export interface DeckSource {
  /** Absolute path. */
  readonly file: string
  /** Relative to the project root, forward slashes: what messages and the manifest show. */
  readonly source: string
  readonly slug: string
}

export const DECK_PATTERNS = ['**/*.md', '**/*.markdown']
/** Larger decks are refused before rendering: Marpit has super-linear paths on huge inputs. */
export const MAX_DECK_BYTES = 5 * 1024 * 1024

/**
 * Lists the decks under the slides dir in a stable order. Symlinks are followed but must stay
 * inside the project; a file reached twice (symlinked folders, loops) is built once.
 */
export async function discoverDecks(root: string, slidesDir: string): Promise<{ decks: DeckSource[]; problems: Problem[] }> {
  try {
    if (!(await stat(slidesDir)).isDirectory()) throw new Error('not a directory')
  } catch (error) {
    throw new MarpSiteError(
      'INPUT',
      `Slides dir not found: ${toPosix(path.relative(root, slidesDir)) || '.'} (${reason(error)}). Create it and add a .md deck, or pass --slides DIR`,
      { cause: error },
    )
  }

  const found = await glob(DECK_PATTERNS, {
    cwd: slidesDir,
    followSymbolicLinks: true,
    dot: false,
    ignore: ['**/node_modules/**'],
  })
  // Code-point order, not locale order: the same site on every machine.
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

  const decks: DeckSource[] = []
  const problems: Problem[] = []
  const byRealPath = new Map<string, string>()
  const bySlug = new Map<string, string>()
  let realRoot: string | undefined

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
    realRoot ??= realpathSync.native(root)
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
    // Compare without case: `A.md` and `a.md` would overwrite each other on macOS and Windows.
    const key = slug.toLowerCase()
    const other = bySlug.get(key)
    if (other !== undefined) {
      problems.push(
        problem('slug-conflict', { file: source }, `maps to the same page "${slug}/" as ${other}; rename one of them (only ${other} was built)`, {
          blocking: true,
        }),
      )
      continue
    }
    bySlug.set(key, source)
    decks.push({ file, source, slug })
  }
  problems.push(...(await danglingDecks(root, slidesDir, new Set(found))))
  return { decks, problems }
}

/**
 * Deck names that are symlinks to nothing. The glob leaves them out, so without this such a deck
 * would vanish from the site without a word.
 */
async function danglingDecks(root: string, slidesDir: string, found: ReadonlySet<string>): Promise<Problem[]> {
  // The slides dir was listed a moment ago; if it cannot be listed again, there is no dangling link to report.
  const entries = await readdir(slidesDir, { recursive: true, withFileTypes: true }).catch(
    swallowed('discover', `listing ${slidesDir} for dangling links`, [] as Dirent[]),
  )
  const problems: Problem[] = []
  for (const entry of entries) {
    if (!entry.isSymbolicLink() || !/\.(md|markdown)$/.test(entry.name)) continue
    const file = path.join(entry.parentPath, entry.name)
    const rel = toPosix(path.relative(slidesDir, file))
    if (found.has(rel) || rel.split('/').some((part) => part.startsWith('.') || part === 'node_modules')) continue
    // A link whose target is there after all (made since the listing) is not dangling.
    if (await stat(file).then(() => true, swallowed('discover', `${file} is a dangling link`, false))) continue
    // Only for the message: a link that cannot be read is shown as `?`.
    const target = await readlink(file).catch(swallowed('discover', `reading the link ${file}`, '?'))
    problems.push(problem('read-error', { file: toPosix(path.relative(root, file)) }, `is a symlink to ${target}, which does not exist; not built`))
  }
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
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
    bytes = readFileSync(deck.file)
  } catch (error) {
    const failed = fail('read-error', `cannot be read: ${reason(error)}`)
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { ...failed, gone: true } : failed
  }
  if (bytes.length > MAX_DECK_BYTES) {
    return fail('too-large', `is ${(bytes.length / 1048576).toFixed(1)} MB; decks over ${MAX_DECK_BYTES / 1048576} MB are not rendered`)
  }
  const text = decodeText(bytes)
  if (text === undefined) {
    return fail('encoding', bytes.includes(0) ? 'is a binary file, not UTF-8 text' : 'is not UTF-8 text; save it as UTF-8')
  }
  return { ok: true, text }
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
