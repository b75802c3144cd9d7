import { themeImports } from './css-imports.js'
import type { RenderResult } from './deck.js'
import type { WorkerSetup } from './worker.js'

const THEME_NAME = /@theme\s+([^\s*]+)/

/**
 * The CSS of each theme by its `@theme` name, as the engine registers them (a later file with the
 * same name replaces an earlier one). marp-core's own themes are not here: they change only with it.
 */
export function themesByName(setup: WorkerSetup): Map<string, string> {
  const byName = new Map<string, string>()
  for (const theme of setup.themes) {
    const name = THEME_NAME.exec(theme.css)?.[1]
    if (name) byName.set(name, theme.css)
  }
  return byName
}

/**
 * The themes a render depends on: the deck's theme and every theme it imports, in turn; the themes
 * the deck's own styles import; and, when the deck named a theme that is not registered, the whole set
 * of names (`*`; its message lists them). A failed render depends on none.
 */
export function themesUsed(result: RenderResult, input: { readonly markdown: string }, byName: ReadonlyMap<string, string>): string[] {
  if (!result.ok) return []
  const used = new Set<string>()
  const queue = [result.deck.meta.theme, ...imports(input.markdown)]
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (used.has(name)) continue
    used.add(name)
    const css = byName.get(name)
    if (css) queue.push(...imports(css))
  }
  if (result.deck.problems.some((p) => p.rule === 'unknown-theme')) used.add('*')
  return [...used].sort()
}

function imports(css: string): string[] {
  return themeImports(css).map((i) => i.target)
}
