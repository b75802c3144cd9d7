import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import { BuildSession, buildWith, type BuildResult } from '../build/index.js'
import { PACKAGE_DIR, resolveConfig } from '../config/resolve.js'
import type { InlineConfig, ResolvedConfig } from '../config/types.js'
import { MarpSiteError, reason } from '../errors.js'
import { isInside } from '../paths.js'
import { problemRecord, type Problem, type ProblemRecord } from '../problems.js'
import type { EarlyThreads } from '../render/threads.js'
import { startDevServer, type DevServer } from './server.js'
import { swallowed } from '../log.js'

export interface DevOptions {
  readonly host?: string
  readonly port?: number
  readonly onBuild?: (event: DevBuildEvent) => void
  /** Messages about the session itself (the watcher falling back to polling). */
  readonly onNotice?: (message: string) => void
  /** Render threads the CLI started as it started: the session's render pool takes them over. */
  readonly early?: EarlyThreads
}

export type DevBuildEvent =
  | { readonly ok: true; readonly result: BuildResult; readonly changed: readonly string[]; readonly reload: 'page' | 'css' }
  | { readonly ok: false; readonly error: MarpSiteError; readonly changed: readonly string[] }

export interface DevSession {
  readonly url: string
  readonly server: DevServer
  /** Resolves when the rebuild in progress (and any queued one) has finished. */
  settled(): Promise<void>
  close(): Promise<void>
}

/**
 * What dev builds with, whatever the config says: no PDFs, no social cards, sitemap or feed, and the
 * speaker notes always in (dev serves 127.0.0.1 only: the presenter's own view of a private site).
 */
const DEV_CONFIG = { pdf: false, publish: false, notes: 'public' } as const satisfies InlineConfig

/** A single save is built after this much quiet... */
const DEBOUNCE_MS = 10
/** ...but saves that keep coming (an editor's burst, a script, a checkout) wait for a longer lull. */
const STORM_QUIET_MS = 150
const STORM_WINDOW_MS = 400

/**
 * `marp-site dev`: builds the site (HTML; no PDFs), serves it on 127.0.0.1 and rebuilds on every
 * change under the project root. Rebuilds are coalesced: a storm of saves gives one rebuild, then
 * one more for whatever changed during it, and the last state wins. A broken deck, theme, template
 * or config never stops the server: the last good site stays up and the problem is shown.
 */
export async function startDev(inline: InlineConfig, options: DevOptions = {}): Promise<DevSession> {
  const session = new BuildSession(options.early)
  const liveClient = await readFile(path.join(PACKAGE_DIR, 'lib', 'client', 'live.js'), 'utf8').catch(() => {
    throw new MarpSiteError('INTERNAL', 'The live-reload client is missing from lib/client; run `npm run compile`')
  })
  let config: ResolvedConfig = await resolveConfig({ ...inline, ...DEV_CONFIG })
  // Said once, at the start: the config's warnings (options of a marp-cli config that are not used).
  for (const notice of config.notices) options.onNotice?.(notice)
  const host = options.host ?? '127.0.0.1'
  const portExplicit = options.port !== undefined

  let lastProblems: ProblemRecord[] = []
  // Counts the builds that changed the site. A page knows the one it was served from; one that
  // connects after a newer build (it was loading during the rebuild) catches up when it connects.
  let version = 0
  const runBuild = async (changed: readonly string[]): Promise<void> => {
    try {
      config = await resolveConfig({ ...inline, ...DEV_CONFIG })
      // The first build swaps in a whole site; rebuilds update it in place, file by file.
      const result = await buildWith(config, {}, { session, inPlace: server !== undefined, media: false })
      const themesOnly = changed.length > 0 && changed.every((file) => isInside(config.themesDir, file))
      lastProblems = [
        ...result.decks.flatMap((d) => d.problems),
        ...siteProblems(
          result.problems,
          result.decks.map((d) => d.source),
        ),
      ]
      version += 1
      server?.broadcast(themesOnly ? 'css' : 'reload', { changed: changed.map((f) => path.relative(config.root, f)), version })
      server?.broadcast('problems', lastProblems)
      options.onBuild?.({ ok: true, result, changed, reload: themesOnly ? 'css' : 'page' })
    } catch (error) {
      const wrapped = error instanceof MarpSiteError ? error : new MarpSiteError('INTERNAL', reason(error), { cause: error })
      // An error that stops the whole build is shown as a problem of the site, under its error code.
      lastProblems = [
        problemRecord('', { file: wrapped.file ?? '', line: wrapped.line, rule: wrapped.code.toLowerCase(), severity: 'error', message: wrapped.message }),
      ]
      server?.broadcast('problems', lastProblems)
      options.onBuild?.({ ok: false, error: wrapped, changed })
    }
  }

  let server: DevServer | undefined
  await runBuild([])
  server = await startDevServer({
    outDir: config.outDir,
    host,
    port: options.port ?? 8080,
    portExplicit,
    liveClient,
    greeting: () => [
      ['version', version],
      ['problems', lastProblems],
    ],
    version: () => version,
  })

  // Coalescing: one build at a time; changes during a build queue exactly one more.
  let pending = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined
  let lastActivity = 0
  const wait = () => (running || Date.now() - lastActivity < STORM_WINDOW_MS ? STORM_QUIET_MS : DEBOUNCE_MS)
  const flush = () => {
    timer = undefined
    if (running) return
    const changed = [...pending]
    pending = new Set()
    running = runBuild(changed).finally(() => {
      running = undefined
      lastActivity = Date.now()
      if (pending.size > 0 && !timer) timer = setTimeout(flush, STORM_QUIET_MS)
    })
  }
  const onChange = (file: string) => {
    pending.add(path.resolve(config.root, file))
    const delay = wait()
    lastActivity = Date.now()
    if (timer) clearTimeout(timer)
    if (!running) timer = setTimeout(flush, delay)
  }

  // Rebuilt output, the build cache, staging folders and dependencies are not inputs.
  const ignored = (file: string) => {
    const abs = path.resolve(config.root, file)
    const base = path.basename(abs)
    return (
      isInside(config.outDir, abs) ||
      (config.cacheDir !== undefined && isInside(config.cacheDir, abs)) ||
      base === 'node_modules' ||
      base === '.git' ||
      base.includes('.marp-site-tmp-') ||
      base.includes('.marp-site-old-') ||
      isInside(path.join(config.root, 'lib'), abs)
    )
  }
  let polling = false
  const startWatcher = async (): Promise<FSWatcher> => {
    const w = watch(config.root, { ignoreInitial: true, ignored, atomic: true, usePolling: polling, interval: 250, binaryInterval: 500 })
    w.on('all', (_event, file) => onChange(file))
    w.on('error', (error) => void onWatchError(error))
    await new Promise<void>((resolve) => w.once('ready', () => resolve()))
    return w
  }
  // Out of file handles or inotify watches (a huge project, a low limit): watch by polling instead,
  // once, rather than stop noticing saves or crash.
  const onWatchError = async (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (polling || !['EMFILE', 'ENFILE', 'ENOSPC'].includes(code)) return
    polling = true
    options.onNotice?.(
      `The file watcher ran out of system resources (${code}); watching by polling instead, which notices saves a little later. Raise the limit (ulimit -n, or the fs.inotify.max_user_watches sysctl) for instant updates.`,
    )
    const old = watcher
    watcher = await startWatcher()
    await old.close()
  }
  let watcher = await startWatcher()

  const s = server
  return {
    url: s.url,
    server: s,
    async settled() {
      for (;;) {
        if (timer) await new Promise((r) => setTimeout(r, STORM_QUIET_MS))
        else if (running) await running
        else return
      }
    },
    async close() {
      if (timer) clearTimeout(timer)
      await watcher.close()
      // The last rebuild's outcome was already reported through onBuild; closing only waits for it.
      await running?.catch(swallowed('dev', 'waiting for the last rebuild'))
      await s.close()
      await session.close()
    },
  }
}

/** Problems not attached to a deck in the manifest (themes, slug conflicts): shown on every page. */
function siteProblems(problems: readonly Problem[], deckSources: readonly string[]): ProblemRecord[] {
  return problems.filter((p) => !deckSources.includes(p.file)).map((p) => problemRecord('', p))
}
