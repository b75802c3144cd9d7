import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Readable, Writable } from 'node:stream'
import type { Browser, Page } from 'puppeteer-core'
import { MarpSiteError } from '../errors.js'
import { swallowed } from '../log.js'
import { pipeTransport } from './pipe.js'
import { profilePrefix } from './profiles.js'

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--hide-scrollbars',
  '--mute-audio',
  '--force-color-profile=srgb',
  '--font-render-hinting=none',
  '--export-tagged-pdf',
  // A headless page is never in front: its timers and frames must not be slowed down for it.
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-ipc-flooding-protection',
  '--disable-hang-monitor',
  // Containers often give /dev/shm a few megabytes.
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-component-extensions-with-background-pages',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--disable-popup-blocking',
  '--no-first-run',
  '--no-default-browser-check',
  // No GPU, and no software stand-in for one (SwiftShader): pages are laid out and printed by the CPU
  // path anyway, and starting the stand-in costs a quarter of a second per browser.
  '--disable-software-rasterizer',
  // Services a printer never uses, each started with the browser.
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--disable-client-side-phishing-detection',
  '--disable-domain-reliability',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,AutofillServerCommunication,AcceptCHFrame,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
]

/** How long a browser may take to start (it is a second or two here; a cold disk is slower). */
const START_TIMEOUT_MS = 60_000

export interface Chromium {
  readonly browser: Browser
  /** Closes the browser (killing it if it does not close), and removes its profile. */
  close(): Promise<void>
}

/**
 * Starts the system Chromium headless with a throwaway profile (its folder name starts with
 * `profilePrefix` and this process's pid, so tests can find leftover processes and a later build can
 * remove the profile of one that was killed). The browser is killed if the process exits without
 * closing it; signals are left to the caller, which cleans up its own work first.
 *
 * It is driven over a pipe, never a TCP port (which any local process could connect to, and read
 * local files through): the browser exits when the pipe closes, so it dies with this process, also
 * on `kill -9`.
 *
 * The browser process is started first and the driver (puppeteer-core, ~0.3 s to load, more on a
 * busy machine) loads while it starts, then connects to it: a build's first PDF comes that much sooner.
 */
export async function launchChromium(options: { browserPath: string; profilePrefix: string; protocolTimeout?: number }): Promise<Chromium> {
  const driver = import('puppeteer-core')
  // Awaited below, where a failure to load it is thrown; this only keeps an early failure (while the
  // browser starts) from counting as an unhandled rejection.
  driver.catch(swallowed('browser', 'loading the browser driver'))
  const profile = await mkdtemp(profilePrefix(options.profilePrefix))
  const child = spawn(options.browserPath, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  })
  const killOnExit = () => void child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Only waited for: an error here means the process is gone already.
      const exited = once(child, 'exit').catch(swallowed('browser', 'waiting for the browser to exit'))
      child.kill('SIGKILL')
      await withTimeout(exited, 5000)
    }
    process.removeListener('exit', killOnExit)
    // A profile left in the temp folder costs disk space only (the next build sweeps it); closing must not fail for it.
    await rm(profile, { recursive: true, force: true, maxRetries: 3 }).catch(swallowed('browser', 'removing the browser profile'))
  }
  const started = startFailure(child, options.browserPath)
  let browser: Browser
  try {
    const [, , , toBrowser, fromBrowser] = child.stdio
    const puppeteer = (await Promise.race([driver, started.failed])).default
    const connecting = puppeteer.connect({
      transport: pipeTransport(toBrowser as Writable, fromBrowser as Readable),
      ...(options.protocolTimeout === undefined ? {} : { protocolTimeout: options.protocolTimeout }),
    })
    // Settled below in any case; a failure while the start failure wins the race is not unhandled.
    connecting.catch(swallowed('browser', 'connecting to the browser'))
    browser = await Promise.race([connecting, started.failed]).catch(async (error: unknown) => {
      // A browser that exits as it starts closes the pipe a moment before its exit is seen: its exit
      // code and last words say more than the driver's "connection closed".
      throw await Promise.race([started.failed.catch((exit: unknown) => exit), new Promise((resolve) => setTimeout(() => resolve(error), 1000))])
    })
  } catch (error) {
    started.done()
    await stop()
    throw error
  }
  started.done()
  processes.set(browser, child)
  return {
    browser,
    async close() {
      // A browser that does not close cleanly is killed next (stop).
      await withTimeout(browser.close().catch(swallowed('browser', 'closing the browser')), 5000)
      await stop()
    },
  }
}

const processes = new WeakMap<Browser, ChildProcess>()

/** Whether the process of a browser started by launchChromium has ended (crashed or killed). */
export function hasExited(browser: Browser): boolean {
  const child = processes.get(browser)
  return child !== undefined && (child.exitCode !== null || child.signalCode !== null)
}

/**
 * Rejects if the starting browser exits, cannot be run, or takes too long, with its exit code and its
 * last lines on stderr. `done` stops watching once it is connected (its stderr is drained from then on).
 */
function startFailure(child: ChildProcess, browserPath: string): { failed: Promise<never>; done(): void } {
  let output = ''
  let finish: (error: Error | undefined) => void = () => undefined
  const failed = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => finish(new MarpSiteError('BROWSER', `${browserPath} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.length > 65_536) output = output.slice(-16_384)
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const last = output.trim().split('\n').slice(-3).join(' ').trim()
      finish(new MarpSiteError('BROWSER', `${browserPath} exited (${signal ?? `code ${code}`}) as it started${last ? `: ${last}` : ''}`))
    }
    const onError = (error: Error) => finish(new MarpSiteError('BROWSER', `Cannot start ${browserPath}: ${error.message}`))
    finish = (error) => {
      finish = () => undefined
      clearTimeout(timer)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
      // The browser keeps writing to stderr: drained, so that it never blocks on a full pipe.
      child.stderr?.resume()
      if (error) reject(error)
    }
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
  })
  // Raced against the connection: when that wins, nothing waits for this one.
  failed.catch(swallowed('browser', 'starting the browser'))
  return { failed, done: () => finish(undefined) }
}

/**
 * The tab the browser opened as it started (in its default context), else a new one. Its renderer
 * is already starting: here it is ready ~0.5 s before a new tab's, and the browser runs one renderer
 * fewer.
 */
export async function firstPage(browser: Browser): Promise<Page> {
  // No first tab in time: a new one does as well.
  const target = await browser.waitForTarget((t) => t.type() === 'page', { timeout: 5000 }).catch(swallowed('browser', 'waiting for the first tab'))
  return (await target?.page()) ?? browser.newPage()
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
