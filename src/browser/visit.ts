import { availableParallelism } from 'node:os'
import type { Browser, Page } from 'puppeteer-core'
import { reason } from '../errors.js'
import { swallowed } from '../log.js'
import type { Problem } from '../problems.js'
import { problem } from '../rules.js'
import { hasExited, isSiteRequest } from './chromium.js'
import type { DeckBrowser } from './launch.js'
import { loadDeck, openTab, type LoadMode, type Tab, type TabDeck } from './tab.js'

/** A deck to load and hand to the output makers. */
export interface DeckJob extends TabDeck {
  readonly slug: string
  /** Its source file, which the problems found are about. */
  readonly source: string
}

/** A deck loaded in a tab, laid out and settled, as output makers get it. */
export interface LoadedDeck<J extends DeckJob = DeckJob> {
  readonly page: Page
  readonly job: J
  /** Origin of the private server holding the site (`http://127.0.0.1:PORT`). */
  readonly base: string
}

/**
 * Makes one output from a loaded deck (a PDF, the overflow measurement, slide images...). The makers
 * of a visit run one after another on the same page, in the order given: one that changes the page
 * (the PDF's flattening) comes after those that read it as laid out.
 */
export interface OutputMaker<J extends DeckJob = DeckJob, V = unknown> {
  /** What it makes, for messages and the debug channel (`pdf`, `overflow`). */
  readonly name: string
  make(deck: LoadedDeck<J>): Promise<Output<V>>
}

export interface Output<V> {
  readonly value: V
  readonly problems: readonly Problem[]
}

/** Why a deck has no outputs. The caller says it in its own words (a `pdf-error`, a failed check). */
export type VisitFailure =
  | { readonly kind: 'no-browser'; readonly reason: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'crashed' }
  | { readonly kind: 'error'; readonly reason: string }

export type VisitResult<J extends DeckJob = DeckJob> =
  | {
      readonly job: J
      readonly ok: true
      /** Requests blocked while the deck was loaded (see VisitOptions.blockedWhile), then every maker's, in order. */
      readonly problems: readonly Problem[]
      /** What `maker` (one of this visit's) made of the deck. */
      output<V>(maker: OutputMaker<J, V>): V
    }
  | { readonly job: J; readonly ok: false; readonly failure: VisitFailure }

export interface VisitOptions<J extends DeckJob> {
  /** Made from each loaded deck, in this order. */
  readonly outputs: readonly OutputMaker<J, unknown>[]
  /** Starts a browser: the first time unless `prelaunched` is given, and again if one dies. */
  readonly launch: () => Promise<DeckBrowser>
  /** A browser started earlier (see launchForDecks), used first; closed with the rest. */
  readonly prelaunched?: Promise<DeckBrowser> | undefined
  /** Origin of the private server holding the site (`http://127.0.0.1:PORT`). */
  readonly base: string
  readonly load: LoadMode
  /** Time a deck may take, loading and every output: longer, and it fails with `timeout`. */
  readonly timeoutMs: number
  readonly concurrency?: number | undefined
  readonly signal?: AbortSignal | undefined
  /**
   * What the deck is loaded for, in the `external-request` problem of each request blocked
   * (`printing the PDF`); without it, requests outside the site are blocked without a word.
   */
  readonly blockedWhile?: string | undefined
  readonly onDone?: ((done: number, total: number, job: J) => void) | undefined
  /** Each deck's result as soon as it is there (the caller finishes it while the next loads). */
  readonly onResult?: ((result: VisitResult<J>) => void) | undefined
}

/**
 * How many times one run starts its browser again after it died. Each restart costs a second or two;
 * a browser that keeps dying (out of memory on every deck) is given up on, and its decks reported.
 */
const MAX_RESTARTS = 3

/**
 * Loads every deck in one browser, a pool of tabs, decks loaded concurrently, and hands each to the
 * output makers. A deck that takes longer than the timeout is given up; a browser that dies is started
 * again (MAX_RESTARTS at most) and its decks retried once; a deck whose tab's renderer died is retried
 * once on a new tab. The browser and its profile are gone when this returns or throws.
 */
export async function visitDecks<J extends DeckJob>(jobs: readonly J[], options: VisitOptions<J>): Promise<VisitResult<J>[]> {
  if (jobs.length === 0) return []
  let browser: DeckBrowser | undefined
  let generation = 0
  let restarts = 0
  let launching: Promise<Browser> | undefined
  let prelaunched = options.prelaunched
  /** The tab the browser opened as it started, for the first slot to take. */
  let spare: Promise<Tab | undefined> | undefined

  /** Starts a browser (a fresh profile each time, so a killed one's lock is no obstacle). */
  const launch = (): Promise<Browser> => {
    launching ??= (async () => {
      const old = browser
      browser = undefined
      await old?.close()
      // The first time, the browser started early, if it did start (else one is started now).
      const early = await prelaunched?.catch(swallowed('browser', 'starting the browser early'))
      prelaunched = undefined
      const started = early ?? (await options.launch())
      browser = started
      spare = started.firstTab
      generation += 1
      return started.browser
    })().finally(() => {
      launching = undefined
    })
    return launching
  }
  const current = async (): Promise<Browser> => launching ?? browser?.browser ?? launch()
  /** A tab on the current browser: the one it opened as it started, the first time, else a new one. */
  const takeTab = async (): Promise<Tab> => {
    // Taken before any wait, so that two slots never get the same one.
    const offered = spare
    spare = undefined
    const running = await current()
    const opened = await offered
    if (opened?.browser === running) return opened
    await opened?.close()
    return openTab(running)
  }

  const onAbort = () => void browser?.close()
  options.signal?.addEventListener('abort', onAbort)
  try {
    try {
      await launch()
    } catch (error) {
      // A browser that cannot start (not Chromium, a missing library, no memory): every deck is
      // reported, and the rest of the site builds.
      options.signal?.throwIfAborted()
      const failure: VisitFailure = { kind: 'no-browser', reason: reason(error) }
      return jobs.map((job, i) => {
        const result: VisitResult<J> = { job, ok: false, failure }
        options.onDone?.(i + 1, jobs.length, job)
        options.onResult?.(result)
        return result
      })
    }
    // Loading and printing are CPU-bound in the browser: measured on 2 cores, one page at a time beats
    // two or three (10 decks: 9.6 s, 12.2 s, 14.0 s). Half the cores, at most 4.
    const slots = Math.max(1, Math.min(options.concurrency ?? Math.min(Math.floor(availableParallelism() / 2), 4), jobs.length))
    const queue = [...jobs.entries()]
    const results: VisitResult<J>[] = new Array<VisitResult<J>>(jobs.length)
    let done = 0
    // Each slot keeps one page in a browser context of its own (its own renderer, so a deck stuck in
    // a script holds up no other; the first slot has the browser's first tab, in its default
    // context) and loads deck after deck with it.
    /** Whether the current browser is gone (crashed or killed), as opposed to one of its tabs. */
    const browserGone = () => {
      const running = browser?.browser
      return !(running?.connected && !hasExited(running))
    }
    const runSlot = async () => {
      let tab: Tab | undefined
      /** One try of a deck: on the slot's tab, or a new one; a tab that failed is never used again. */
      const attempt = async (job: J): Promise<VisitResult<J>> => {
        try {
          tab ??= await takeTab()
        } catch (error) {
          // No tab from a browser that died meanwhile: the deck is another that the crash took down.
          if (browserGone() && !options.signal?.aborted) return { job, ok: false, failure: { kind: 'crashed' } }
          throw error
        }
        const result = await visitOne(tab, job, options)
        if (!result.ok) {
          // The page may be stuck or gone: never reuse it after a failure.
          await tab.close()
          tab = undefined
        }
        return result
      }
      try {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [index, job] = next
          options.signal?.throwIfAborted()
          const seen = generation
          let result = await attempt(job)
          if (!result.ok && result.failure.kind === 'crashed' && !options.signal?.aborted) {
            if (browserGone()) {
              // The browser died under this deck. The first deck to notice starts it again (a few
              // times per run at most); every deck it took down is retried once on the new one. A
              // restart that fails is thrown by the slot that started it; the others only wait for it.
              await launching?.catch(swallowed('browser', 'starting the browser again'))
              if (generation === seen && restarts < MAX_RESTARTS) {
                restarts += 1
                await launch()
              }
              if (generation !== seen) result = await attempt(job)
            } else {
              // Only its tab's renderer died (killed, out of memory): tried once more on a new tab.
              result = await attempt(job)
            }
          }
          done += 1
          options.onDone?.(done, jobs.length, job)
          results[index] = result
          options.onResult?.(result)
        }
      } finally {
        await tab?.close()
      }
    }
    await Promise.all(Array.from({ length: slots }, runSlot))
    options.signal?.throwIfAborted()
    return results
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await spare?.then((t) => t?.close())
    // A browser still starting is closed once started; one that failed to start has nothing to close.
    await launching?.catch(swallowed('browser', 'starting the browser'))
    await browser?.close()
  }
}

/** Loads one deck into the tab and runs every output maker on it, within the time limit. */
async function visitOne<J extends DeckJob>(tab: Tab, job: J, options: VisitOptions<J>): Promise<VisitResult<J>> {
  const { browser } = tab
  const external = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    tab.onBlocked = (url) => external.add(url)
    tab.onRequest = (request) => {
      const url = request.url()
      // A request answered or cancelled meanwhile (the page moved on) needs nothing more.
      if (isSiteRequest(url, options.base)) {
        void request.continue().catch(swallowed('browser', 'letting a request through'))
      } else {
        external.add(url)
        void request.abort('blockedbyclient').catch(swallowed('browser', 'blocking a request'))
      }
    }
    const work = (async () => {
      await loadDeck(tab, job, options.base, options.load)
      const loaded: LoadedDeck<J> = { page: tab.page, job, base: options.base }
      const outputs: Output<unknown>[] = []
      for (const maker of options.outputs) outputs.push(await maker.make(loaded))
      return outputs
    })()
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new VisitTimeout()), options.timeoutMs)
    })
    // What waits on a page whose renderer died never ends: that is known at once, not at the time limit.
    const crash = new Promise<never>((_, reject) => {
      tab.onCrash = () => reject(new TabCrash())
      if (tab.crashed) tab.onCrash()
    })
    // Settled by the race below, or not at all (the deck finished): either way nothing else waits on them.
    work.catch(swallowed('browser', 'loading a deck that failed'))
    const outputs = await Promise.race([work, timeout, crash])
    const { blockedWhile } = options
    const problems: Problem[] = blockedWhile
      ? [...external].map((url) =>
          problem('external-request', { file: job.source }, `${url} was blocked while ${blockedWhile} (only the site's own files are loaded)`),
        )
      : []
    for (const output of outputs) problems.push(...output.problems)
    const values = new Map<OutputMaker<J, unknown>, unknown>(options.outputs.map((maker, i) => [maker, outputs[i]?.value]))
    return {
      job,
      ok: true,
      problems,
      output: <V>(maker: OutputMaker<J, V>): V => {
        if (!values.has(maker)) throw new Error(`No ${maker.name} output: its maker was not given to visitDecks`)
        return values.get(maker) as V
      },
    }
  } catch (error) {
    if (error instanceof VisitTimeout) return { job, ok: false, failure: { kind: 'timeout' } }
    if (error instanceof TabCrash) return { job, ok: false, failure: { kind: 'crashed' } }
    // The connection drops a moment before puppeteer marks the browser disconnected.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const crashed = !browser.connected || hasExited(browser)
    return { job, ok: false, failure: crashed ? { kind: 'crashed' } : { kind: 'error', reason: reason(error) } }
  } finally {
    clearTimeout(timer)
    tab.onRequest = undefined
    tab.onBlocked = undefined
    tab.onCrash = undefined
  }
}

class VisitTimeout extends Error {}
class TabCrash extends Error {}
