import { createDebug, type Debugger } from 'obug'

/**
 * Debug channels, off unless `DEBUG=marp-site:*` (or one channel, `DEBUG=marp-site:cache`) is set:
 * every error marp-site deliberately swallows, and every cache decision, is written to stderr there.
 * Library code never prints otherwise (only the CLI does).
 */
export type Channel = 'build' | 'cache' | 'render' | 'write' | 'browser' | 'pdf' | 'check' | 'dev' | 'config' | 'discover' | 'cli'

const channels = new Map<Channel, Debugger>()

export function debug(channel: Channel): Debugger {
  let d = channels.get(channel)
  if (!d) channels.set(channel, (d = createDebug(`marp-site:${channel}`)))
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
