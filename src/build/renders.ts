import { availableParallelism } from 'node:os'
import type { Cache } from '../cache/store.js'
import type { ResolvedConfig } from '../config/types.js'
import { digest } from '../hash.js'
import { debug, swallowed } from '../log.js'
import type { DeckInput, RenderResult } from '../render/deck.js'
import type { RenderPool } from '../render/pool.js'
import type { EarlyThreads } from '../render/threads.js'
import { themesByName, themesUsed } from '../render/themes.js'
import type { KeyedSetup, WorkerSetup } from '../render/worker.js'
import type { BuildSession, RenderEntry } from './session.js'
import { cssKeyOf, StoredRenders } from './stored-renders.js'

const log = debug('cache')

/**
 * How many render workers to start for `decks` renders on `cores` cores. A worker costs about a second
 * of CPU before its first deck (loading marp-core and warming it up), and this thread needs a core of
 * its own for templates and writes, so a core is left to it. Measured on 2 cores: one worker is faster
 * for 50 decks (2.4 s against 2.8 s with two), two are faster from a few hundred (500 decks: 8.3 s
 * against 8.7 s).
 */
export function workersFor(decks: number, cores: number): number {
  const spare = Math.max(1, cores - 1)
  const wanted = decks >= 200 ? Math.max(spare, 2) : spare
  return Math.max(1, Math.min(decks, wanted, cores))
}

/**
 * Renders decks: from the dev session's memory, else from the cache, else on worker threads, which
 * are started on the first deck that needs them and sized to the decks that do.
 */
export class RenderQueue {
  private pool: Promise<RenderPool> | undefined
  private ownPool = false
  rendered = 0
  readonly keyed: KeyedSetup
  /** Everything a render depends on but the deck and the theme CSS. */
  private readonly baseKey: string
  private readonly themeCss: ReadonlyMap<string, string>
  private readonly stored: StoredRenders
  /** Most decks use the same theme: each set of names is hashed once per build. */
  private readonly digests = new Map<string, string>()

  constructor(
    private readonly config: ResolvedConfig,
    readonly setup: WorkerSetup,
    readonly setupKey: string,
    tool: string,
    readonly cache: Cache | undefined,
    private readonly session: BuildSession | undefined,
    private readonly threads: number | undefined,
    private readonly early: EarlyThreads | undefined,
  ) {
    this.keyed = { key: setupKey, setup }
    this.baseKey = digest(tool, setup.marp, setup.defaultTheme, setup.engine?.key ?? null)
    this.themeCss = themesByName(setup)
    this.stored = new StoredRenders(cache)
  }

  keyOf(input: DeckInput): string {
    return digest(this.baseKey, input)
  }

  private themesDigest(names: readonly string[]): string {
    const id = names.join('\0')
    let known = this.digests.get(id)
    if (known === undefined) {
      known = digest(names.map((name) => (name === '*' ? [...this.themeCss.keys()].sort() : (this.themeCss.get(name) ?? null))))
      this.digests.set(id, known)
    }
    return known
  }

  /** Where a session remembers that a render of `input` failed (see BuildSession.failed). */
  private failedKey(input: DeckInput): string {
    return digest(this.keyed.key, this.config.renderTimeoutMs, input)
  }

  /** The render of `input` this build need not make: remembered by the session or in the cache. */
  async cached(input: DeckInput): Promise<RenderResult | undefined> {
    const failed = this.session?.failed.size ? this.session.failed.get(this.failedKey(input)) : undefined
    if (failed) {
      log('%s: failed the last time with the same text and setup; not tried again in this session', input.source)
      return failed
    }
    const key = this.keyOf(input)
    const remembered = this.session?.renders.get(key)
    const entry = remembered ?? (await this.stored.get(key))
    if (!entry) {
      log('%s: render %s not cached', input.source, key)
      return undefined
    }
    if (entry.themesDigest !== this.themesDigest(entry.themes)) {
      log('%s: render %s made with other themes (%s); rendered again', input.source, key, entry.themes.join(', '))
      return undefined
    }
    log('%s: render %s reused from the %s', input.source, key, remembered ? 'session' : 'cache')
    if (remembered) this.stored.keep(key, remembered)
    else this.session?.renders.set(key, entry)
    return entry.result
  }

  /** Starts the render workers (sized to the `expected` decks to render) if they are not running. */
  start(expected: number): Promise<RenderPool> {
    const threads = this.threads ?? workersFor(expected, availableParallelism())
    // One pool for every deck of the build: made once, awaited by every deck.
    this.pool ??= this.session
      ? this.session.poolFor(this.keyed, this.config.renderTimeoutMs, threads)
      : import('../render/pool.js').then(({ createRenderPool }) => {
          this.ownPool = true
          return createRenderPool(this.keyed, { timeoutMs: this.config.renderTimeoutMs, threads, started: this.early?.take() })
        })
    return this.pool
  }

  get started(): boolean {
    return this.pool !== undefined
  }

  async render(input: DeckInput): Promise<RenderResult> {
    const result = await (await this.start(1)).render(input, this.keyed)
    this.rendered += 1
    const key = this.keyOf(input)
    // A render that was stopped (time limit, memory) says nothing about the next build's try; a
    // session remembers it for as long as the deck and its setup stay the same (BuildSession.failed).
    const lasting = result.ok || !result.problems.some((p) => p.rule === 'render-error')
    if (lasting) {
      const themes = themesUsed(result, input, this.themeCss)
      const entry: RenderEntry = { result, themes, themesDigest: this.themesDigest(themes), ...(result.ok ? { cssKey: cssKeyOf(result.deck.css) } : {}) }
      this.session?.renders.set(key, entry)
      await this.stored.set(key, entry)
    } else if (this.session) {
      const { failed } = this.session
      if (failed.size >= 64) failed.delete(failed.keys().next().value as string)
      failed.set(this.failedKey(input), result)
    }
    return result
  }

  /** Stops a pool of this build's own; a session's pool outlives the build. */
  async close(): Promise<void> {
    const pool = this.pool
    // A pool that fails to stop has no deck left to render; the threads end with the process.
    if (this.ownPool && pool) await (await pool).close().catch(swallowed('render', 'stopping the render threads'))
    this.ownPool = false
  }
}
