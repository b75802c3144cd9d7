import { stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { existsSync } from 'node:fs'
import { MarpSiteError, reason } from '../errors.js'
import type { UserConfig } from './schema.js'
import { Cache } from '../cache/store.js'
import { digest } from '../hash.js'
import { displayPath } from '../paths.js'
import { suggest } from './suggest.js'
import { isDirectory, isFile, readConfigText } from './files.js'
import { findMarpCliConfig, isMarpCliConfig, loadMarpCliConfig, overForeign, withVsCodeSettings, type ForeignConfig } from './foreign.js'

export const CONFIG_FILE_NAMES = ['marp-site.config.js', 'marp-site.config.mjs', 'marp-site.config.json'] as const

export interface LoadedConfig {
  readonly file: string | undefined
  readonly config: UserConfig
  /** Files of other tools the config was read from (marp-cli's config, VS Code settings), for the build to say. */
  readonly read?: readonly string[]
  /** Options of those files that are not used, each with why. */
  readonly warnings?: readonly string[]
}

/**
 * Finds and loads the project's config: an explicit `--config` file, else one of
 * `marp-site.config.{js,mjs,json}` in the root, else `package.json#marpSite`, else marp-cli's config
 * file (`.marprc*`, `marp.config.*`), else none. Then the workspace's Marp for VS Code settings fill
 * what is still unset (see foreign.ts).
 */
export async function loadUserConfig(root: string, explicit?: string, options: { cache?: boolean } = {}): Promise<LoadedConfig> {
  const loaded = await loadOwnOrMarpCli(root, explicit)
  const validate = (value: unknown, where: string) => validateOnce(value, where, options.cache === false ? undefined : root)
  const vscode = await withVsCodeSettings(root, loaded.config)
  const where = loaded.file === undefined ? 'the config' : displayPath(root, loaded.file)
  let config = vscode?.config ?? loaded.config
  const read = [...(loaded.read ?? []), ...(vscode?.read ?? [])]
  // A Marp project set up for marp-cli (inputs given on its command line) or VS Code, with no slides
  // folder: its decks are wherever they are, told apart from other Markdown by `marp: true`.
  const foreign = read.length > 0 && (loaded.file === undefined || isMarpCliConfig(loaded.file))
  if (foreign && config.slidesDir === undefined && !(await isDirectory(path.join(root, 'slides')))) {
    config = { ...config, slidesDir: root, marpOnly: config.marpOnly ?? true }
    read.push('decks: every Markdown file with `marp: true` in the project (no inputDir and no slides folder)')
  }
  return {
    file: loaded.file,
    config: await validate(config, loaded.file?.endsWith('package.json') ? 'package.json#marpSite' : where),
    read,
    warnings: [...(loaded.warnings ?? []), ...(vscode?.warnings ?? [])],
  }
}

/** The config before validation: ours (with the marp-cli config it extends), or marp-cli's. */
async function loadOwnOrMarpCli(root: string, explicit: string | undefined): Promise<LoadedConfig> {
  const marpCli = (file: string) => loadMarpCliConfig(root, file, loadFile, async (text, where) => parseYamlConfig(text, where))
  if (explicit !== undefined) {
    const file = path.resolve(root, explicit)
    if (!(await isFile(file))) {
      throw new MarpSiteError('CONFIG', `Config file not found: ${explicit}`, { file: explicit })
    }
    if (isMarpCliConfig(file)) return { file, ...(await marpCli(file)) }
    return withExtends(root, file, (await loadFile(file)) as UserConfig, marpCli)
  }

  const found: string[] = []
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(root, name)
    if (await isFile(file)) found.push(file)
  }
  if (found.length > 1) {
    throw new MarpSiteError('CONFIG', `Found more than one config file (${found.map((f) => path.basename(f)).join(', ')}); keep one, or pass --config`)
  }
  const [file] = found
  if (file !== undefined) return withExtends(root, file, (await loadFile(file)) as UserConfig, marpCli)

  const pkgFile = path.join(root, 'package.json')
  if (await isFile(pkgFile)) {
    const pkg = parseJson(await readConfigText(pkgFile, 'package.json'), 'package.json') as Record<string, unknown> | null
    if (pkg && typeof pkg === 'object' && 'marpSite' in pkg) {
      return withExtends(root, pkgFile, pkg['marpSite'] as UserConfig, marpCli)
    }
  }
  const other = findMarpCliConfig(root)
  if (other !== undefined) return { file: other, ...(await marpCli(other)) }
  return { file: undefined, config: {} }
}

/** A marp-site config that `extends` a marp-cli config file (relative to the config's folder). */
async function withExtends(root: string, file: string, own: UserConfig, marpCli: (file: string) => Promise<ForeignConfig>): Promise<LoadedConfig> {
  const base = own !== null && typeof own === 'object' ? own.extends : undefined
  if (typeof base !== 'string') return { file, config: own }
  const target = path.resolve(path.dirname(file), base)
  if (!(await isFile(target))) {
    throw new MarpSiteError('CONFIG', `${displayPath(root, file)}: extends ${base}, which is not a file`, { file: displayPath(root, file) })
  }
  if (!isMarpCliConfig(target)) {
    throw new MarpSiteError(
      'CONFIG',
      `${displayPath(root, file)}: extends ${base}, which is not a marp-cli config file (${'.marprc.yml, marp.config.mjs, ...'})`,
      {
        file: displayPath(root, file),
      },
    )
  }
  const foreign = await marpCli(target)
  return { file, config: overForeign(foreign.config, own), read: foreign.read, warnings: foreign.warnings }
}

async function parseYamlConfig(text: string, where: string): Promise<unknown> {
  const { parseDocument } = await import('yaml')
  const doc = parseDocument(text)
  const [first] = doc.errors
  if (first) {
    const line = first.linePos?.[0].line
    throw new MarpSiteError('CONFIG', `${where} is not valid YAML${line === undefined ? '' : ` at line ${line}`}: ${first.message.split('\n')[0]}`, {
      file: where,
      ...(line === undefined ? {} : { line }),
    })
  }
  return doc.toJS()
}

async function loadFile(file: string): Promise<unknown> {
  const name = path.basename(file)
  if (file.endsWith('.json')) return parseJson(await readConfigText(file, name), name)
  let mod: Record<string, unknown>
  try {
    // The query defeats the module cache so that `dev` sees edits to the config file.
    const { mtimeMs } = await stat(file)
    mod = (await import(`${pathToFileURL(file).href}?mtime=${mtimeMs}`)) as Record<string, unknown>
  } catch (error) {
    throw new MarpSiteError('CONFIG', `${name} failed to load: ${reason(error)}`, { cause: error, file: name })
  }
  let value = 'default' in mod ? mod['default'] : mod
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)()
    } catch (error) {
      throw new MarpSiteError('CONFIG', `${name}: the exported function threw: ${reason(error)}`, { cause: error })
    }
  }
  return value
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // JSON.parse says where by offset ("… in JSON at position 26"); an editor wants line and column.
    const message = reason(error)
    const offset = /at position (\d+)/.exec(message)?.[1]
    if (offset === undefined) throw new MarpSiteError('CONFIG', `${name} is not valid JSON: ${message}`, { cause: error, file: name })
    const before = text.slice(0, Number(offset)).split('\n')
    const line = before.length
    const column = (before.at(-1)?.length ?? 0) + 1
    const what = message.replace(/\s*in JSON at position \d+.*$/, '')
    throw new MarpSiteError('CONFIG', `${name} is not valid JSON at line ${line}, column ${column}: ${what}`, { cause: error, file: name, line })
  }
}

/**
 * The cache goes where JavaScript tools keep theirs (`node_modules/.cache/marp-site`) when the project
 * has a node_modules folder, else in `.marp-site-cache` at the root (a dot folder: never a deck).
 */
export function cacheDirFor(root: string, fromFile: string | undefined): string {
  if (fromFile !== undefined) return path.resolve(root, fromFile)
  const modules = path.join(root, 'node_modules')
  return existsSync(modules) ? path.join(modules, '.cache', 'marp-site') : path.join(root, '.marp-site-cache')
}

const SCHEMA_FILE = fileURLToPath(new URL('./schema.js', import.meta.url))

/**
 * Validates a config with the schema; a config exactly like one that was valid before (same JSON, same
 * schema file) is taken as it is, without loading the validator, which is a good part of a no-change
 * build's start-up. The mark of a valid config lives in the build cache (`root` undefined: no cache).
 */
async function validateOnce(value: unknown, where: string, root: string | undefined): Promise<UserConfig> {
  const raw = (value ?? {}) as Record<string, unknown>
  const dir = root === undefined || raw['cacheDir'] === false ? undefined : cacheDirFor(root, typeof raw['cacheDir'] === 'string' ? raw['cacheDir'] : undefined)
  let mark: string | undefined
  if (dir !== undefined) {
    const schema = await stat(SCHEMA_FILE).then(
      (s) => `${s.size} ${s.mtimeMs}`,
      () => 'unknown',
    )
    mark = digest(schema, raw)
    if (await new Cache(dir).get<boolean>('configs', mark)) return raw as UserConfig
  }
  const config = await validate(raw, where)
  if (dir !== undefined && mark !== undefined) await new Cache(dir).set('configs', mark, true)
  return config
}

async function validate(value: unknown, where: string): Promise<UserConfig> {
  const { configKeysAt, userConfigSchema } = await import('./schema.js')
  const result = userConfigSchema.safeParse(value ?? {})
  if (result.success) return result.data
  const lines = result.error.issues.flatMap((issue) => describeIssue(issue as ConfigIssue, [], configKeysAt).map((d) => d.text))
  throw new MarpSiteError('CONFIG', `Invalid config in ${where}: ${lines.join('; ')}`, { file: where })
}

/** The parts of a zod issue the messages use. */
interface ConfigIssue {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly message: string
  readonly keys?: readonly string[]
  readonly errors?: readonly (readonly ConfigIssue[])[]
  readonly values?: readonly unknown[]
  readonly expected?: string
}

/**
 * Messages for one issue, each with the depth of the key it is about. For a value that matches
 * none of a union's options (`pdf` may be "auto", a boolean or an object), the option that got
 * furthest into the value says what is wrong (`"pdf.notes"`, not `"pdf"`); when none got further,
 * the message lists what the options accept.
 */
function describeIssue(
  issue: ConfigIssue,
  base: readonly PropertyKey[],
  keysAt: (path: readonly PropertyKey[]) => readonly string[],
): { depth: number; text: string }[] {
  const path = [...base, ...issue.path]
  const at = path.length > 0 ? path.map(String).join('.') : '(top level)'
  if (issue.code === 'unrecognized_keys') {
    return (issue.keys ?? []).map((key) => {
      const hint = suggest(key, keysAt(path))
      const full = path.length > 0 ? `${at}.${key}` : key
      const suggestion = hint === undefined ? '' : ` (did you mean "${path.length > 0 ? `${at}.${hint}` : hint}"?)`
      return { depth: path.length + 1, text: `unknown key "${full}"${suggestion}` }
    })
  }
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const branches = issue.errors.map((branch) => branch.flatMap((inner) => describeIssue(inner, path, keysAt)))
    const deepest = (list: { depth: number }[]) => Math.max(0, ...list.map((d) => d.depth))
    const best = branches.reduce((a, b) => (deepest(b) > deepest(a) ? b : a))
    if (deepest(best) > path.length) return best
    const accepted = issue.errors
      .flat()
      .flatMap((inner) => (inner.values ? inner.values.map((v) => JSON.stringify(v)) : inner.expected ? [inner.expected] : []))
    if (accepted.length > 0) return [{ depth: path.length, text: `"${at}": expected ${[...new Set(accepted)].join(' or ')}` }]
  }
  return [{ depth: path.length, text: `"${at}": ${issue.message}` }]
}
