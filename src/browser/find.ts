import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import path from 'node:path'
import { MarpSiteError } from '../errors.js'

export interface FoundBrowser {
  readonly path: string
  /** Where it came from, for messages: `--browser-path`, `CHROME_PATH`, or `found`. */
  readonly source: string
}

/** The usual install locations of Chromium, Chrome and Edge, per platform. */
export function browserCandidates(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
    ]
    return [...apps.map((a) => `/Applications/${a}`), ...apps.map((a) => path.join(env['HOME'] ?? '~', 'Applications', a))]
  }
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((r): r is string => !!r)
    const apps = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe']
    return roots.flatMap((root) => apps.map((app) => path.win32.join(root, app)))
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    // Chromium's headless-only build (Debian: chromium-headless-shell) prints the same PDFs faster, but
    // lays out a few things a pixel or two apart from the browser people view the decks in (its default
    // fonts differ): used when it is the only one, or when asked for (--browser-path, CHROME_PATH).
    '/usr/bin/chromium-headless-shell',
    '/usr/bin/chrome-headless-shell',
  ]
}

/**
 * Finds a browser to print with: the explicit path (flag or config), then `CHROME_PATH`, then the
 * usual locations. An explicit path or `CHROME_PATH` that is not an executable file is an error,
 * not a reason to fall back silently.
 */
export async function findBrowser(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = browserCandidates(process.platform, env),
): Promise<FoundBrowser | undefined> {
  if (explicit !== undefined) return { path: await mustBeExecutable(explicit, '--browser-path'), source: '--browser-path' }
  const fromEnv = env['CHROME_PATH']
  if (fromEnv) return { path: await mustBeExecutable(fromEnv, 'CHROME_PATH'), source: 'CHROME_PATH' }
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return { path: candidate, source: 'found' }
  }
  return undefined
}

export const INSTALL_HINT =
  'Install Chromium or Chrome (Debian/Ubuntu: apt-get install chromium; macOS: install Google Chrome), or set CHROME_PATH or --browser-path to its executable'

async function mustBeExecutable(file: string, from: string): Promise<string> {
  if (await isExecutable(file)) return file
  throw new MarpSiteError('BROWSER', `${from} points to ${file}, which is not an executable file. ${INSTALL_HINT}`)
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false
    await access(file, constants.X_OK)
    return true
  } catch {
    // Missing, unreadable or not executable: not a browser to use (the callers say what was looked for).
    return false
  }
}
