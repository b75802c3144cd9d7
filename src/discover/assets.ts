import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { reason } from '../errors.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { isInside, toPosix } from '../paths.js'

/**
 * Why a file of the project is never published, or undefined when it may be: a path with a segment
 * starting with `.` (`.env`, `.git/config`, `.ssh/`) or under `node_modules`.
 */
export function privatePath(source: string): string | undefined {
  const parts = source.split('/')
  if (parts.some((part) => part.startsWith('.') && part !== '.' && part !== '..'))
    return 'is a hidden file or lies in a hidden folder (a name starting with ".")'
  if (parts.includes('node_modules')) return 'lies under node_modules'
  return undefined
}

/** How a deck refers to a file: an image, a background image, an HTML media tag, or a CSS url(). */
export type RefKind = 'image' | 'background' | 'html' | 'css' | 'theme'

/** A local file a deck refers to, as the renderer found it (see render/plugin.ts). */
export interface AssetRef {
  readonly url: string
  /** The file, relative to the project root. */
  readonly source: string
  /** Its place in the site. */
  readonly target: string
  readonly line: number
  readonly kind: RefKind
}

export interface AssetCopy {
  /** Absolute path of the file to copy. */
  readonly from: string
  /** Its path in the site. */
  readonly target: string
}

type Checked = { ok: true; real: string } | { ok: false; message: string; rule: 'missing-asset' | 'unsafe-path' }

/**
 * Checks the local files decks refer to: each must exist, be a file, and (after symlinks are
 * followed) lie inside the project. Results are shared across decks.
 */
export function createAssetChecker(root: string) {
  const cache = new Map<string, Promise<Checked>>()
  let realRoot: Promise<string> | undefined

  const check = (source: string): Promise<Checked> => {
    let pending = cache.get(source)
    if (!pending) {
      pending = (async (): Promise<Checked> => {
        const file = path.join(root, ...source.split('/'))
        try {
          const info = await stat(file)
          // A FIFO, socket or device is never copied: reading a FIFO would wait for a writer for good.
          if (!info.isFile()) return { ok: false, rule: 'missing-asset', message: info.isDirectory() ? 'is not a file' : 'is not a regular file' }
          const real = await realpath(file)
          realRoot ??= realpath(root)
          const inRoot = path.relative(await realRoot, real)
          if (!isInside(await realRoot, real)) {
            return { ok: false, rule: 'unsafe-path', message: 'is a symlink to a file outside the project; not copied' }
          }
          // A link with a harmless name may lead to `.env` or into `.git/`: what is copied is the target.
          const privacy = privatePath(toPosix(inRoot))
          if (privacy !== undefined) return { ok: false, rule: 'unsafe-path', message: `is a symlink to ${toPosix(inRoot)}, which ${privacy}; not copied` }
          return { ok: true, real }
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          return { ok: false, rule: 'missing-asset', message: code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : `cannot be read: ${reason(error)}` }
        }
      })()
      cache.set(source, pending)
    }
    return pending
  }

  return async function checkAssets(deckSource: string, refs: readonly AssetRef[]): Promise<{ copies: AssetCopy[]; problems: Problem[] }> {
    const copies = new Map<string, AssetCopy>()
    const problems: Problem[] = []
    for (const ref of refs) {
      const result = await check(ref.source)
      if (result.ok) {
        copies.set(ref.target, { from: result.real, target: ref.target })
      } else {
        const what =
          ref.kind === 'background'
            ? 'background image'
            : ref.kind === 'css'
              ? 'CSS url()'
              : ref.kind === 'theme'
                ? 'the theme’s url() (resolved next to the deck, as in marp-cli)'
                : 'image'
        problems.push(problem(result.rule, { file: deckSource, line: ref.line }, `${what} ${ref.url} (${ref.source}) ${result.message}`))
      }
    }
    return { copies: [...copies.values()], problems }
  }
}
