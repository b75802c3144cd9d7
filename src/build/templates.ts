import type { ResolvedConfig } from '../config/types.js'
import { digest } from '../hash.js'
import type { Templates } from '../template/engine.js'
import type { BuildSession } from './session.js'

/** Parses the templates, or takes them from the session when their files are the same as last time. */
export async function loadTemplatesOnce(config: ResolvedConfig, templatesKey: string, session: BuildSession | undefined): Promise<Templates> {
  const key = digest(templatesKey, config.root, config.templatesDir)
  if (session?.templates?.key === key) return session.templates.templates
  const { loadTemplates } = await import('../template/engine.js')
  const templates = await loadTemplates({ root: config.root, dirs: [config.templatesDir, config.builtin.templatesDir] })
  if (session) session.templates = { key, templates }
  return templates
}
