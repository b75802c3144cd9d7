import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'puppeteer-core'

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--mute-audio',
  '--font-render-hinting=none',
  // No GPU, and no software stand-in for one (SwiftShader): pages are laid out and printed by the CPU
  // path anyway, and starting the stand-in costs a quarter of a second per browser.
  '--disable-software-rasterizer',
  // Services a printer never uses, each started with the browser.
  '--disable-breakpad',
  '--disable-client-side-phishing-detection',
  '--disable-domain-reliability',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,AutofillServerCommunication',
  '--password-store=basic',
  '--use-mock-keychain',
]

export interface Chromium {
  readonly browser: Browser
  /** Closes the browser (killing it if it does not close), and removes its profile. */
  close(): Promise<void>
}

/**
 * Starts the system Chromium headless with a throwaway profile (its folder name starts with
 * `profilePrefix`, so tests can find leftover processes). The browser is killed if the process exits
 * without closing it; signals are left to the caller, which cleans up its own work first.
 */
export async function launchChromium(options: { browserPath: string; profilePrefix: string; protocolTimeout?: number }): Promise<Chromium> {
  const puppeteer = (await import('puppeteer-core')).default
  const profile = await mkdtemp(path.join(tmpdir(), options.profilePrefix))
  let browser: Browser
  try {
    browser = await puppeteer.launch({
      executablePath: options.browserPath,
      headless: true,
      userDataDir: profile,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      ...(options.protocolTimeout === undefined ? {} : { protocolTimeout: options.protocolTimeout }),
    })
  } catch (error) {
    await rm(profile, { recursive: true, force: true }).catch(() => undefined)
    throw error
  }
  const child = browser.process()
  const killOnExit = () => child?.kill('SIGKILL')
  process.once('exit', killOnExit)
  return {
    browser,
    async close() {
      await withTimeout(browser.close().catch(() => undefined), 5000)
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      process.removeListener('exit', killOnExit)
      await rm(profile, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined)
    },
  }
}

/**
 * The tab the browser opened as it started (in its default context), else a new one. Its renderer
 * is already starting: here it is ready ~0.5 s before a new tab's, and the browser runs one renderer
 * fewer.
 */
export async function firstPage(browser: Browser): Promise<Page> {
  const [page] = await browser.pages()
  return page ?? browser.newPage()
}

/** Only the site being printed or checked may be loaded: its private server, and inline data. */
export function isSiteRequest(url: string, base: string): boolean {
  return url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:')
}

/** Waits for a promise, at most `ms`; the timer does not keep the process alive. */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}
