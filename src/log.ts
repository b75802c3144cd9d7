import type { Debugger } from 'obug'

/**
 * Debug channels, off unless `DEBUG=marp-site:*` (or one channel, `DEBUG=marp-site:cache`) is set:
 * every error marp-site deliberately swallows, and every cache decision, is written to stderr there.
 * Library code never prints otherwise (only the CLI does).
 *
 * obug is loaded only when DEBUG could name a channel of ours: loading it sets up stderr's colours,
 * which costs every run ~10 ms (a tenth of a no-change rebuild) for output nobody asked for.
 */
export type Channel = 'build' | 'cache' | 'render' | 'write' | 'browser' | 'pdf' | 'check' | 'dev' | 'config' | 'discover' | 'cli'

/** Just enough of a Debugger for the callers: call it, and ask whether it prints. */
export interface Log {
  (format: string, ...args: unknown[]): void
  readonly enabled: boolean
}

const wanted = /marp-site|\*/.test(process.env['DEBUG'] ?? '')
const obug = wanted ? await import('obug') : undefined

const off: Log = Object.assign(() => undefined, { enabled: false })
const channels = new Map<Channel, Log>()

export function debug(channel: Channel): Log {
  let d = channels.get(channel)
  if (!d) channels.set(channel, (d = obug ? (obug.createDebug(`marp-site:${channel}`) as Debugger & Log) : off))
  return d
}

/**
 * For `.catch(swallowed('pdf', 'closing a tab'))`: an error that is safe to ignore (the caller says why
 * in a comment), shown on the debug channel. Resolves to `fallback` (undefined when not given).
 */
export function swallowed(channel: Channel, what: string): (error: unknown) => undefined
export function swallowed<T>(channel: Channel, what: string, fallback: T): (error: unknown) => T
export function swallowed<T>(channel: Channel, what: string, fallback?: T): (error: unknown) => T | undefined {
  return (error) => {
    debug(channel)('ignored while %s: %s', what, error instanceof Error ? error.message : String(error))
    return fallback
  }
}
