import type { ResolvedConfig } from '../config/types.js'
import { debug } from '../log.js'
import type { Problem } from '../problems.js'
import type { RenderQueue } from './renders.js'
import type { BuildSession } from './session.js'

/**
 * Theme files marp-core cannot use, and a config theme that is not registered (which throws). The
 * render workers check this when they start; with nothing to render, this thread does, once per
 * set of themes (the outcome is cached). In dev, the themes are checked again only when they (or the
 * setup) changed.
 */
export async function checkThemes(config: ResolvedConfig, renders: RenderQueue, session: BuildSession | undefined): Promise<readonly Problem[]> {
  const key = renders.setupKey
  if (session?.themeCheck?.key === key) return session.themeCheck.problems
  const problems = await checkThemesNow(config, renders)
  if (session) session.themeCheck = { key, problems }
  return problems
}

async function checkThemesNow(config: ResolvedConfig, renders: RenderQueue): Promise<readonly Problem[]> {
  const { cache, setupKey: key } = renders
  if (!renders.started) {
    const known = await cache?.get<Problem[]>('themes', key)
    if (known) {
      debug('cache')('theme check %s reused', key)
      return known
    }
  }
  let problems: readonly Problem[]
  if (renders.started) {
    problems = await (await renders.start(1)).check(renders.keyed)
  } else {
    const { createEngine } = await import('../render/engine.js')
    problems = createEngine({ themes: renders.setup.themes, defaultTheme: config.theme, marp: config.marp }).problems
  }
  await cache?.set('themes', key, problems)
  return problems
}
