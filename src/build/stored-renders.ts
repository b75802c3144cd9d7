import type { Cache } from '../cache/store.js'
import { digest } from '../hash.js'
import { debug } from '../log.js'
import type { RenderEntry } from './session.js'

/**
 * A render entry as written to the cache: the deck's CSS (most of a render's size, and the same for
 * most decks of a site) is kept once, as a `styles` entry under its digest.
 */
interface StoredRender extends RenderEntry {
  /** The deck's CSS is in the `styles` entry `cssKey` (older entries held it in place). */
  readonly cssStored?: true
}

/** Renders in the build cache, their CSS stored once per distinct stylesheet. */
export class StoredRenders {
  /** Stylesheets read by this build, by digest. */
  private readonly styles = new Map<string, Promise<string | undefined>>()
  /** Digests of the stylesheets known to be in the cache (read or written by this build). */
  private readonly present = new Set<string>()

  constructor(readonly cache: Cache | undefined) {}

  async get(key: string): Promise<RenderEntry | undefined> {
    const stored = await this.cache?.get<StoredRender>('renders', key)
    if (!stored?.cssStored || stored.cssKey === undefined || !stored.result.ok) return stored
    const { cssKey } = stored
    let reading = this.styles.get(cssKey)
    if (!reading) this.styles.set(cssKey, (reading = this.cache?.get<string>('styles', cssKey) ?? Promise.resolve(undefined)))
    const css = await reading
    if (typeof css !== 'string') {
      debug('cache')('render %s: its stylesheet %s is gone; the deck renders again', key, cssKey)
      return undefined
    }
    this.present.add(cssKey)
    const { cssStored: _, ...entry } = stored
    return { ...entry, result: { ...stored.result, deck: { ...stored.result.deck, css } } }
  }

  async set(key: string, entry: RenderEntry): Promise<void> {
    if (!this.cache) return
    const { cssKey } = entry
    if (!entry.result.ok || cssKey === undefined) return this.cache.set('renders', key, entry)
    if (this.present.has(cssKey)) this.cache.keep('styles', cssKey)
    else {
      this.present.add(cssKey)
      await this.cache.set('styles', cssKey, entry.result.deck.css)
    }
    const stored: StoredRender = { ...entry, result: { ...entry.result, deck: { ...entry.result.deck, css: '' } }, cssStored: true }
    await this.cache.set('renders', key, stored)
  }

  /** Marks an entry (and its stylesheet) as used by this build, so that pruning keeps it. */
  keep(key: string, entry: RenderEntry): void {
    this.cache?.keep('renders', key)
    if (entry.cssKey !== undefined) this.cache?.keep('styles', entry.cssKey)
  }
}

/** The digest a render's CSS is stored under. */
export function cssKeyOf(css: string): string {
  return digest(css)
}
