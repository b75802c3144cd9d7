/** marp-site's public API. The CLI is built on exactly this. */
export { build, type BuildOptions, type BuildProgress, type BuildResult } from './build/index.js'
export { resolveConfig, mergeConfig } from './config/resolve.js'
export type { UserConfig } from './config/schema.js'
export type { InlineConfig, ResolvedConfig } from './config/types.js'
export { MarpSiteError, EXIT_CODES, type ErrorCode } from './errors.js'
export type { Problem, Rule, Severity } from './problems.js'
export { renderDeck, type DeckInput, type RenderedDeck, type DeckMeta } from './render/deck.js'
export { createEngine, type Engine } from './render/engine.js'
/** renderDeck draws Mermaid diagrams once this has loaded the renderer (the render threads load it themselves). */
export { loadDiagramRenderer } from './render/mermaid.js'
export type { Manifest, ManifestDeck } from './write/manifest.js'
export { VERSION } from './version.js'

import type { UserConfig } from './config/schema.js'
/** Typed helper for `marp-site.config.js`: `export default defineConfig({ ... })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config
}
