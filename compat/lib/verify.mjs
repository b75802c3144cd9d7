// Each problem marp-site reported for a corpus deck, checked against the deck itself, without marp-site's code:
// a missing-asset against the deck's folder on disk, an external-request against the requests Chromium made
// (or the deck's and themes' text), an overflow or crowded slide against marp-cli's page measured by edges.mjs.
import { readdir } from 'node:fs/promises'
import path from 'node:path'

/** The rules checked here; the others are not facts about files, requests or pixels. */
export const VERIFIED_RULES = ['missing-asset', 'external-request', 'overflow', 'crowded']

/** Marpit's built-in themes: a theme `@import` of one of them is not missing. */
const BUILT_IN_THEMES = ['default', 'gaia', 'uncover']

/**
 * What a missing-asset message names: `{ url }` for a file (image, background, CSS url(), a theme's url()),
 * `{ theme }` for a theme `@import` that names no registered theme, or null when the message says neither.
 */
export function missingTarget(message) {
  const theme = /^imports "([^"]*)", which is not a registered theme/.exec(message)
  if (theme) return { theme: theme[1] }
  // `<what> <url as written> (<path in the project>) <why>`: the URL is the text before the last ` (` group.
  const file =
    /^(?:image|background image|CSS url\(\)|the theme’s url\(\) \([^)]*\)) (.+) \(([^()]*)\) (?:not found|is not a file|is not a regular file|cannot be read.*)$/s.exec(
      message,
    )
  return file ? { url: file[1] } : null
}

/** The local path a deck's URL names, relative to the deck's folder (or absolute), or null for a remote or data URL. */
export function localPath(url) {
  const bare = url.trim().replace(/^<(.*)>$/, '$1')
  if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(bare)) return null
  const withoutTail = bare.replace(/[?#].*$/s, '')
  try {
    return decodeURIComponent(withoutTail)
  } catch {
    return withoutTail
  }
}

/**
 * Whether `file` exists with exactly this spelling, each segment compared by name against its folder's listing
 * (so a case-insensitive file system would not find `Logo.png` for `logo.png` either). Returns 'file',
 * 'directory' or null.
 */
export async function exactEntry(file) {
  const absolute = path.resolve(file)
  const { root } = path.parse(absolute)
  const segments = absolute.slice(root.length).split(path.sep).filter(Boolean)
  let dir = root
  for (const [i, segment] of segments.entries()) {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return null
    }
    const entry = entries.find((e) => e.name === segment)
    if (!entry) return null
    dir = path.join(dir, segment)
    if (i === segments.length - 1) return entry.isDirectory() ? 'directory' : entry.isFile() || entry.isSymbolicLink() ? 'file' : 'other'
    if (!entry.isDirectory() && !entry.isSymbolicLink()) return null
  }
  return 'directory'
}

/**
 * A missing-asset problem checked on disk. `deckDir`: the deck's folder (URLs resolve against it, as in
 * marp-cli); `projectDir`: the root (a `/x.png` URL); `themeNames`: every theme the deck's themes define.
 */
export async function verifyMissingAsset(p, { deckDir, projectDir, themeNames }) {
  const target = missingTarget(p.message)
  if (!target) return { confirmed: false, check: 'none', reason: 'the message names no file or theme' }
  if ('theme' in target) {
    const known = [...BUILT_IN_THEMES, ...themeNames]
    return known.includes(target.theme)
      ? { confirmed: false, check: 'themes', reason: `"${target.theme}" is a theme the deck's theme files define` }
      : { confirmed: true, check: 'themes', reason: `no theme file defines "${target.theme}" (known: ${known.join(', ')})` }
  }
  const local = localPath(target.url)
  if (local === null) return { confirmed: false, check: 'disk', reason: `${target.url} is not a local file` }
  const file = local.startsWith('/') ? path.join(projectDir, local) : path.resolve(deckDir, local)
  const found = await exactEntry(file)
  const shown = path.relative(projectDir, file).split(path.sep).join('/')
  if (found === 'file') return { confirmed: false, check: 'disk', reason: `${shown} exists` }
  return { confirmed: true, check: 'disk', reason: found === null ? `${shown} is not on disk` : `${shown} is a ${found}, not a file` }
}

/** The URL an external-request message names (its first word, or the target of a theme `imports`). */
export function requestTarget(message) {
  const imported = /^imports (\S+?),? which /.exec(message)
  const first = imported ? imported[1] : message.split(/\s/)[0]
  return first ? first.replace(/^url\((['"]?)(.*)\1\)$/, '$2').replace(/^['"](.*)['"]$/, '$1') : null
}

/** A URL as compared: parsed, and with percent-escapes undone (Chromium escapes `^` and others that a deck writes bare). */
const normal = (url) => {
  let href = url
  try {
    href = new URL(url.startsWith('//') ? `https:${url}` : url).href
  } catch {
    // Not a URL: compared as written.
  }
  try {
    return decodeURI(href)
  } catch {
    return href
  }
}

/** Whether a URL leaves the site: a scheme other than file, data and blob, or protocol-relative. */
export function isRemote(url) {
  return /^\/\//.test(url) || (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^(file|data|blob|about|javascript):/i.test(url))
}

/**
 * An external-request problem checked against what the page asked for: `requested`, the URLs Chromium
 * requested while loading marp-site's page with every slide shown (the network was refused); `texts`,
 * marp-site's built page and the stylesheets it links, for a URL no shown slide uses (a font no text is set
 * in, a background of an element no slide has): it must then be a remote URL the site itself holds.
 */
export function verifyExternalRequest(p, { requested, texts }) {
  const url = requestTarget(p.message)
  if (!url) return { confirmed: false, check: 'none', reason: 'the message names no URL' }
  const wanted = normal(url)
  if (requested.some((r) => normal(r) === wanted)) return { confirmed: true, check: 'requested', reason: 'Chromium requested it loading the page' }
  if (!isRemote(url)) return { confirmed: false, check: 'referenced', reason: `${url} is not a remote URL, and the page did not request it` }
  if (texts.some((t) => t.includes(url))) {
    return { confirmed: true, check: 'referenced', reason: 'not requested by the page as shown, but a remote URL in the built page or its stylesheets' }
  }
  return { confirmed: false, check: 'referenced', reason: 'neither requested by the page nor in the built page or its stylesheets' }
}

const sidesText = (sides) =>
  Object.entries(sides)
    .map(([side, px]) => `${px} px ${side}`)
    .join(', ')

/** The sides and pixels an overflow or crowded message gives: `{ bottom: 48, right: 3 }`. */
export function reportedSides(message) {
  return Object.fromEntries([...message.matchAll(/(\d+) px (?:past|into) the (top|right|bottom|left)\b/g)].map((m) => [m[2], Number(m[1])]))
}

/**
 * The overflow and crowded problems of a deck against `measured` (edges.mjs on marp-cli's page: one entry per
 * slide, `{ overflow: {side: px}, crowded: {side: px} }` with only the sides past the tolerance). Returns a
 * verdict per problem, and `missed`: slides where content crosses the edge on marp-cli's page and no
 * overflow was reported.
 */
export function verifyLayout(problems, measured) {
  const verdicts = []
  for (const p of problems) {
    const m = measured[(p.slide ?? 0) - 1]
    if (!m) {
      verdicts.push({ problem: p, confirmed: false, check: 'marp-cli page', reason: `marp-cli's page has no slide ${p.slide}` })
      continue
    }
    const over = Object.keys(m.overflow).length > 0
    const crowd = Object.keys(m.crowded).length > 0
    if (p.rule === 'overflow') {
      verdicts.push(
        over
          ? { problem: p, confirmed: true, check: 'marp-cli page', reason: `content crosses the edge there: ${sidesText(m.overflow)}` }
          : {
              problem: p,
              confirmed: false,
              check: 'marp-cli page',
              reason: `no content crosses the edge there${crowd ? ` (it enters the padding: ${sidesText(m.crowded)})` : ''}`,
            },
      )
    } else {
      verdicts.push(
        crowd && !over
          ? { problem: p, confirmed: true, check: 'marp-cli page', reason: `content enters the padding there: ${sidesText(m.crowded)}` }
          : {
              problem: p,
              confirmed: false,
              check: 'marp-cli page',
              reason: over ? `content crosses the edge there (${sidesText(m.overflow)}): an overflow, not crowding` : 'no content enters the padding there',
            },
      )
    }
  }
  for (const v of verdicts) {
    const m = measured[(v.problem.slide ?? 0) - 1]
    v.measured = m ? (Object.keys(m.overflow).length > 0 ? m.overflow : m.crowded) : {}
    v.reported = reportedSides(v.problem.message)
  }
  const reported = new Set(problems.filter((p) => p.rule === 'overflow').map((p) => p.slide))
  const missed = measured.flatMap((m, i) => (Object.keys(m.overflow).length > 0 && !reported.has(i + 1) ? [{ slide: i + 1, sides: m.overflow }] : []))
  return { verdicts, missed }
}

/** One deck's verdicts summed up: reported, confirmed, unconfirmed (with reasons), missed, per rule. */
export function tally(verdicts, missed) {
  const byRule = {}
  for (const v of verdicts) {
    const t = (byRule[v.problem.rule] ??= { reported: 0, confirmed: 0, checks: {} })
    t.reported += 1
    if (v.confirmed) t.confirmed += 1
    t.checks[v.check] = (t.checks[v.check] ?? 0) + 1
  }
  return {
    byRule,
    unconfirmed: verdicts
      .filter((v) => !v.confirmed)
      .map((v) => ({ rule: v.problem.rule, slide: v.problem.slide, message: v.problem.message, reason: v.reason })),
    // Slide by slide, the pixels marp-site reported and those measured on marp-cli's page.
    layout: verdicts
      .filter((v) => v.problem.rule === 'overflow' || v.problem.rule === 'crowded')
      .map((v) => ({ rule: v.problem.rule, slide: v.problem.slide, confirmed: v.confirmed, reported: v.reported, measured: v.measured }))
      .sort((a, b) => a.slide - b.slide),
    // External requests confirmed only by the deck's text (the page as shown did not ask for them).
    referenced: verdicts.filter((v) => v.check === 'referenced' && v.confirmed).map((v) => requestTarget(v.problem.message)),
    missed,
  }
}
