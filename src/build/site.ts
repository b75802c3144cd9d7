import type { ResolvedConfig } from '../config/types.js'
import type { Problem } from '../problems.js'
import type { Templates } from '../template/engine.js'
import { openInPlace } from '../write/in-place.js'
import type { Staging } from '../write/outdir.js'
import { openStaging } from '../write/staging.js'
import { sweepProfiles } from '../browser/profiles.js'
import type { BuildContext } from './options.js'
import type { Prepared } from './prepare.js'
import type { RenderQueue } from './renders.js'
import type { BuildSession } from './session.js'
import { loadTemplatesOnce } from './templates.js'
import { checkThemes } from './themes.js'

/** What the write phase writes with: the templates, the themes' problems, and the out dir opened for writing. */
export interface OpenSite {
  readonly templates: Templates
  readonly themeProblems: readonly Problem[]
  readonly staging: Staging
  /** The site the session's last build left in this out dir (dev). */
  readonly last: BuildSession['site']
}

/**
 * Before anything is written: the templates are loaded and the themes (and the config's default theme)
 * checked, then the out dir is opened (a staging folder, or in place for dev's rebuilds).
 */
export async function openSite(
  config: ResolvedConfig,
  context: BuildContext,
  prepared: Prepared,
  renders: RenderQueue,
  signal: AbortSignal | undefined,
): Promise<OpenSite> {
  const { session } = context
  const templates = await loadTemplatesOnce(config, prepared.templatesKey, session)
  const themeProblems = await checkThemes(config, renders, session)
  signal?.throwIfAborted()
  // Taken, not read: a build that fails half-way leaves the next one to look at the out dir itself.
  const site = session?.site
  if (session) session.site = undefined
  const last = site?.outDir === config.outDir ? site : undefined
  const [staging] = await Promise.all([
    context.inPlace ? openInPlace(config.outDir, last?.memory) : openStaging(config.outDir),
    // Like a killed build's staging folder, the browser profile of one killed while printing is removed by
    // the next build; not by each of dev's rebuilds (its first build did it, and a save must stay quick).
    context.inPlace ? undefined : sweepProfiles(),
  ])
  return { templates, themeProblems, staging, last }
}
