import path from 'node:path'
import { encodePath } from '../discover/slug.js'
import { SITE_ROOT } from '../render/refs.js'

const ROOTED = new RegExp(`${SITE_ROOT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}([A-Za-z0-9\\-_.~%/]*)`, 'g')

/**
 * Replaces every site-root URL (`SITE_ROOT` + encoded site path) in `text` with a URL relative to
 * `fromDir`, the folder (in the site, unencoded) of the file the text is written to. Relative URLs
 * keep the site working from `file://`, from a sub-path of a host, and after being moved.
 */
export function relativize(text: string, fromDir: string): string {
  const from = fromDir === '' ? '.' : encodePath(fromDir)
  return text.replace(ROOTED, (_, target: string) => relativeUrl(from, target))
}

/** Relative URL from a folder to a site path, both already URL-encoded. */
export function relativeUrl(fromDir: string, target: string): string {
  const rel = path.posix.relative(fromDir, target)
  if (rel === '') return './'
  return target.endsWith('/') && !rel.endsWith('/') ? `${rel}/` : rel
}

/** `../../` for a page in `a/b/`, `` for the root. */
export function rootPrefix(fromDir: string): string {
  return fromDir === '' ? '' : '../'.repeat(fromDir.split('/').length)
}

/** All site paths a text refers to through `SITE_ROOT`, decoded. */
export function rootedTargets(text: string): string[] {
  const out: string[] = []
  for (const match of text.matchAll(ROOTED)) {
    try {
      out.push(decodeURIComponent(match[1] ?? ''))
    } catch {
      // not one of ours
    }
  }
  return out
}
