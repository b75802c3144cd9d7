import { createRequire } from 'node:module'
import type { Marp, MarpOptions } from '@marp-team/marp-core'
import { MarpSiteError } from '../errors.js'
import type { EngineModule } from './engine-module.js'

/** What the config's engine module does to the engine: marp-cli's `({ ...options, marp }) => marp`. */
export type Extension = (marp: Marp, options: MarpOptions) => Marp

/**
 * Loads the engine module in a render thread (CommonJS or ES, through `require`, which loads ES
 * modules on Node.js 20.19 and later). It may export a function (default or `module.exports`) that is
 * given marp-cli's argument, the constructor options with `marp`, an engine already made with them;
 * it returns that engine (plugins added with `marp.use`) or another Marp instance.
 */
export function loadExtension(engine: EngineModule): Extension {
  let loaded: unknown
  try {
    loaded = createRequire(engine.file)(engine.file)
  } catch (error) {
    throw new MarpSiteError('CONFIG', `engine ${engine.display} failed to load: ${messageOf(error)}`)
  }
  const exported = (loaded as { default?: unknown } | undefined)?.default ?? loaded
  if (typeof exported !== 'function') {
    throw new MarpSiteError('CONFIG', `engine ${engine.display} must export a function, as in marp-cli: ({ marp }) => marp.use(plugin)`)
  }
  return (marp, options) => {
    let result: unknown
    try {
      result = (exported as (opts: unknown) => unknown)({ ...options, marp })
    } catch (error) {
      throw new MarpSiteError('CONFIG', `engine ${engine.display} threw while setting up the engine: ${messageOf(error)}`)
    }
    if (result === undefined) return marp
    if (result instanceof Promise) throw new MarpSiteError('CONFIG', `engine ${engine.display} returned a promise; it must return the engine itself`)
    const instance = result as Partial<Marp>
    if (typeof instance.render !== 'function' || instance.themeSet === undefined) {
      throw new MarpSiteError('CONFIG', `engine ${engine.display} must return the Marp engine it was given (marp.use(...) returns it)`)
    }
    return result as Marp
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
