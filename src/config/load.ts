import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { MarpSiteError, reason } from '../errors.js'
import { USER_CONFIG_KEYS, userConfigSchema, type UserConfig } from './schema.js'

export const CONFIG_FILE_NAMES = ['marp-site.config.js', 'marp-site.config.mjs', 'marp-site.config.json'] as const

export interface LoadedConfig {
  readonly file: string | undefined
  readonly config: UserConfig
}

/**
 * Finds and loads the project's config: an explicit `--config` file, else one of
 * `marp-site.config.{js,mjs,json}` in the root, else `package.json#marpSite`, else none.
 */
export async function loadUserConfig(root: string, explicit?: string): Promise<LoadedConfig> {
  if (explicit !== undefined) {
    const file = path.resolve(root, explicit)
    if (!(await isFile(file))) {
      throw new MarpSiteError('CONFIG', `Config file not found: ${explicit}`, { file: explicit })
    }
    return { file, config: validate(await loadFile(file), displayName(root, file)) }
  }

  const found: string[] = []
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(root, name)
    if (await isFile(file)) found.push(file)
  }
  if (found.length > 1) {
    throw new MarpSiteError(
      'CONFIG',
      `Found more than one config file (${found.map((f) => path.basename(f)).join(', ')}); keep one, or pass --config`,
    )
  }
  const [file] = found
  if (file !== undefined) return { file, config: validate(await loadFile(file), displayName(root, file)) }

  const pkgFile = path.join(root, 'package.json')
  if (await isFile(pkgFile)) {
    const pkg = parseJson(await readText(pkgFile), 'package.json') as Record<string, unknown> | null
    if (pkg && typeof pkg === 'object' && 'marpSite' in pkg) {
      return { file: pkgFile, config: validate(pkg['marpSite'], 'package.json#marpSite') }
    }
  }
  return { file: undefined, config: {} }
}

async function loadFile(file: string): Promise<unknown> {
  const name = path.basename(file)
  if (file.endsWith('.json')) return parseJson(await readText(file), name)
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

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new MarpSiteError('CONFIG', `Cannot read ${path.basename(file)}: ${reason(error)}`, { cause: error })
  }
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new MarpSiteError('CONFIG', `${name} is not valid JSON: ${reason(error)}`, { cause: error, file: name })
  }
}

function validate(value: unknown, where: string): UserConfig {
  const result = userConfigSchema.safeParse(value ?? {})
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => {
    const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const full = issue.path.length > 0 ? `${at}.${key}` : key
          const hint = issue.path.length === 0 ? suggest(key, USER_CONFIG_KEYS) : undefined
          return `unknown key "${full}"${hint ? ` (did you mean "${hint}"?)` : ''}`
        })
        .join('; ')
    }
    return `"${at}": ${issue.message}`
  })
  throw new MarpSiteError('CONFIG', `Invalid config in ${where}: ${lines.join('; ')}`, { file: where })
}

function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i]
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost))
    }
    prev = row
  }
  return prev[b.length] ?? 0
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}

function displayName(root: string, file: string): string {
  const rel = path.relative(root, file)
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/')
}
