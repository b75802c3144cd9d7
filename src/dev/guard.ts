/**
 * Who may talk to the dev server, and which paths it may serve. Pure, so the attack table is
 * unit-tested without sockets as well as against the real server.
 */

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** The Host header must name this machine (or the address the server was started on): no DNS rebinding. */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!hostHeader) return false
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase()
  return LOCAL_NAMES.has(name) || name.endsWith('.localhost') || name === boundHost.toLowerCase()
}

/** A browser's Origin, when sent, must be the server itself: no cross-site use of the reload channel. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, boundHost: string): boolean {
  if (origin === undefined) return true
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === hostHeader && hostAllowed(url.host, boundHost)
  } catch {
    // Not a URL: not an origin this server answers.
    return false
  }
}

export type PathCheck = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404 }

/**
 * Decodes and checks a request target. Only plain absolute paths within the site: no `..` in any
 * encoding, no backslashes, no encoded slashes, no null bytes, no dotfiles, no absolute-form URLs.
 */
export function checkPath(target: string | undefined): PathCheck {
  if (!target?.startsWith('/') || target.startsWith('//')) return { ok: false, status: 400 }
  const raw = target.split('?')[0] ?? ''
  if (raw.includes('#')) return { ok: false, status: 400 }
  if (/%2f|%5c|%00/i.test(raw)) return { ok: false, status: 403 }
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    // Malformed percent-encoding is a bad request, answered as such.
    return { ok: false, status: 400 }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 403 }
  // Double-encoded dots (%252e) decode to `%2e` here: refuse what still looks encoded.
  if (/%2e/i.test(decoded)) return { ok: false, status: 403 }
  const segments = decoded.split('/')
  if (segments.some((s) => s === '..' || s === '.' || (s.startsWith('.') && s.length > 0))) return { ok: false, status: 403 }
  if (/^\/[a-z]:/i.test(decoded)) return { ok: false, status: 403 }
  return { ok: true, path: decoded }
}
