import path from 'node:path'
import type { Cache } from '../cache/store.js'
import { fileState, treeState } from '../cache/fingerprint.js'
import { digest } from '../hash.js'
import { debug } from '../log.js'
import type { BuildResult } from './options.js'

const log = debug('cache')

/**
 * The up-to-date stamp: what the last build of an out dir was built from and what it reported. A
 * build whose every input is the same (decks, themes, templates, config, the assets decks link,
 * marp-site itself) and whose out dir is as that build left it does nothing and reports that result.
 */
interface Stamp {
  readonly inputs: string
  /** The local files its decks link, with their state then (see fileState). */
  readonly assets: readonly (readonly [string, string])[]
  /** Digest of every file in the out dir, with size and time, just after the build. */
  readonly tree: string
  readonly result: BuildResult
}

const stampKey = (outDir: string) => digest(outDir)

/** The last build's result, when nothing has changed since it: `inputs` is the digest of this build's inputs. */
export async function lastResultIfUpToDate(cache: Cache, outDir: string, inputs: string): Promise<BuildResult | undefined> {
  const stamp = await cache.get<Stamp>('sites', stampKey(outDir))
  if (!stamp) {
    log('no up-to-date stamp for %s', outDir)
    return undefined
  }
  if (stamp.inputs !== inputs) {
    log('%s: inputs changed since the last build', outDir)
    return undefined
  }
  for (const [file, state] of stamp.assets) {
    if ((await fileState(file)) !== state) {
      log('%s: %s changed since the last build', outDir, file)
      return undefined
    }
  }
  if (digest(await treeState(outDir)) !== stamp.tree) {
    log('%s: the out dir is not as the last build left it', outDir)
    return undefined
  }
  log('%s: up to date', outDir)
  return stamp.result
}

/** Records the stamp of a build that just finished, with the local files its decks link (`assets`, project-relative). */
export async function recordStamp(cache: Cache, root: string, outDir: string, inputs: string, assets: ReadonlySet<string>, result: BuildResult): Promise<void> {
  const files = [...assets].sort().map((source) => path.join(root, ...source.split('/')))
  const stamp: Stamp = {
    inputs,
    assets: await Promise.all(files.map(async (file): Promise<[string, string]> => [file, await fileState(file)])),
    tree: digest(await treeState(outDir)),
    result: withoutTransient(result),
  }
  await cache.set('sites', stampKey(outDir), stamp)
}

function withoutTransient(result: BuildResult): BuildResult {
  return { ...result, upToDate: false, rendered: 0, durationMs: 0, pdf: { ...result.pdf, printed: 0, reused: result.pdf.printed + result.pdf.reused } }
}
