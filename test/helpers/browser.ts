import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'

/** The system Chromium: `CHROME_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  const candidates = [process.env['CHROME_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  const found = candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p))
  if (!found) throw new Error('No Chromium found: install it (apt-get install -y chromium) or set CHROME_PATH')
  return found
}

export interface TestBrowser {
  readonly browser: Browser
  close(): Promise<void>
}

/** Headless Chromium with a throwaway profile and no background networking. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'marp-site-chromium-'))
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--allow-file-access-from-files',
    ],
  })
  return {
    browser,
    async close() {
      await browser.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

/**
 * Gives this test file a temp folder of its own (TMPDIR, which os.tmpdir() and the CLI processes it
 * spawns follow), so that the browsers its builds start have their profiles there, and
 * `ourBrowsers` finds those and no other: not another test file's, nor a build running beside the
 * tests. Call at the top of the file, before any build.
 */
export function privateTmpdir(): string {
  const base = process.env['TMPDIR'] ?? '/tmp'
  const dir = mkdtempSync(path.join(base, 'marp-site-tests-'))
  process.env['TMPDIR'] = dir
  return dir
}

/** PIDs of the browsers started by this test file (see privateTmpdir) whose profile starts with `prefix`. */
export function ourBrowsers(prefix: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', path.join(tmpdir(), prefix)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

/**
 * Lets `page` load only what is under `base` (and data: URLs): every other request is blocked, and its
 * URL is added to the list this answers, so a test can say the page asked for nothing outside the site.
 */
export async function blockOutside(page: Page, base: string): Promise<string[]> {
  const outside: string[] = []
  await page.setRequestInterception(true)
  page.on('request', (request) => {
    const url = request.url()
    if (url.startsWith(`${base}/`) || url.startsWith('data:')) void request.continue()
    else {
      outside.push(url)
      void request.abort('blockedbyclient')
    }
  })
  return outside
}
