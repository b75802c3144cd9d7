import { existsSync } from 'node:fs'
import path from 'node:path'
import { MarpSiteError } from '../errors.js'
import { displayPath } from '../paths.js'
import { readRegularFile } from '../regular-file.js'
import { MARP_CLI_CONFIG_NAMES, mapMarpCliConfig } from './marp-cli.js'
import type { UserConfig } from './schema.js'
import { readVsCodeSettings } from './vscode.js'
import { readConfigText } from './files.js'

/**
 * Reading the configs of the tools a Marp project already uses: marp-cli's config file and the Marp
 * for VS Code settings of the workspace. Each becomes a marp-site config (see marp-cli.ts, vscode.ts)
 * with the files it was read from and its warnings.
 */
export interface ForeignConfig {
  readonly config: UserConfig
  /** What was read, for the build to say: `.marprc.yml (marp-cli config)`. */
  readonly read: readonly string[]
  readonly warnings: readonly string[]
}

export const VSCODE_SETTINGS = path.join('.vscode', 'settings.json')

/** A marp-cli config file's name (`.marprc.yml`, `marp.config.mjs`, ...). */
export function isMarpCliConfig(file: string): boolean {
  return (MARP_CLI_CONFIG_NAMES as readonly string[]).includes(path.basename(file))
}

/** The first of marp-cli's config files in `root`, in the order marp-cli looks for them. */
export function findMarpCliConfig(root: string): string | undefined {
  return MARP_CLI_CONFIG_NAMES.map((name) => path.join(root, name)).find((file) => existsSync(file))
}

/**
 * Loads a marp-cli config file as a marp-site config. Paths in it (themes, input and output folders)
 * are relative to the file's folder, as marp-cli takes them; they come back absolute.
 */
export async function loadMarpCliConfig(
  root: string,
  file: string,
  loadModule: (file: string) => Promise<unknown>,
  parseYaml: (text: string, where: string) => Promise<unknown>,
): Promise<ForeignConfig> {
  const where = displayPath(root, file)
  let raw: unknown
  if (/\.(c|m)?js$|\.ts$/.test(file)) {
    if (file.endsWith('.ts') && !(process.features as { typescript?: unknown }).typescript) {
      throw new MarpSiteError('CONFIG', `${where}: a TypeScript config needs a Node.js that runs TypeScript (22.6 or later); rename it to marp.config.mjs`, {
        file: where,
      })
    }
    raw = await loadModule(file)
  } else {
    // `.marprc` is YAML or JSON (JSON is YAML); `.marprc.json` is JSON.
    raw = await parseYaml(await readConfigText(file, where), where)
  }
  const dir = path.dirname(file)
  const mapped = mapMarpCliConfig(raw, where)
  const config: Record<string, unknown> = { ...mapped.config }
  for (const key of ['slidesDir', 'outDir', 'browserPath', 'engine'] as const) {
    const value = config[key]
    // An engine may be a package (`marp-engine-x`): only a path is made absolute.
    if (typeof value === 'string' && (key !== 'engine' || value.startsWith('.'))) config[key] = path.resolve(dir, value)
  }
  const themes = mapped.themes.map((t) => path.resolve(dir, t))
  if (mapped.themeFile !== undefined) {
    const themeFile = path.resolve(dir, mapped.themeFile)
    themes.push(themeFile)
    const name = await themeName(themeFile)
    if (name === undefined)
      throw new MarpSiteError('CONFIG', `${where}: theme ${mapped.themeFile} is not a CSS file with a /* @theme name */ comment`, { file: where })
    config['theme'] = name
  }
  if (themes.length > 0) config['themes'] = themes
  return { config: config as UserConfig, read: [`${where} (marp-cli config)`], warnings: mapped.warnings }
}

/**
 * The workspace's Marp for VS Code settings, used where the config leaves them unset: the themes (when
 * the config names none besides the themes dir), HTML, math and line breaks.
 */
export async function withVsCodeSettings(root: string, config: UserConfig): Promise<ForeignConfig | undefined> {
  const file = path.join(root, VSCODE_SETTINGS)
  if (!existsSync(file)) return undefined
  const where = displayPath(root, file)
  const settings = readVsCodeSettings(await readConfigText(file, where), where)
  if (!settings.any && settings.warnings.length === 0) return undefined
  const merged: UserConfig = { ...config }
  const marp = { ...config.marp }
  if (config.themes === undefined && settings.themes.length > 0) merged.themes = settings.themes.map((t) => path.resolve(root, t))
  if (marp.html === undefined && settings.html !== undefined) marp.html = settings.html
  if (marp.math === undefined && settings.math !== undefined) marp.math = settings.math
  if (marp.markdown?.breaks === undefined && settings.breaks !== undefined) marp.markdown = { ...marp.markdown, breaks: settings.breaks }
  if (Object.keys(marp).length > 0) merged.marp = marp
  return { config: merged, read: settings.any ? [`${where} (Marp for VS Code settings)`] : [], warnings: settings.warnings }
}

/** A marp-site config over the marp-cli config it `extends`: its keys win, `marp` and `pdf` merge key by key. */
export function overForeign(base: UserConfig, own: UserConfig): UserConfig {
  const merged: UserConfig = { ...base, ...own }
  if (base.marp || own.marp) merged.marp = { ...base.marp, ...own.marp }
  if (typeof base.pdf === 'object' && typeof own.pdf === 'object') merged.pdf = { ...base.pdf, ...own.pdf }
  if (base.themes || own.themes) merged.themes = [...(base.themes ?? []), ...(own.themes ?? [])]
  delete merged.extends
  return merged
}

async function themeName(file: string): Promise<string | undefined> {
  try {
    const read = await readRegularFile(file)
    if (!read.ok) return undefined
    return /\/\*[\s\S]*?@theme\s+([^\s*]+)[\s\S]*?\*\//.exec(read.bytes.toString('utf8'))?.[1]
  } catch {
    // Not there or not readable: the caller names the file.
    return undefined
  }
}
