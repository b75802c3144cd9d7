import { readFile, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { MarpSiteError, reason } from '../errors.js'
import { digest } from '../hash.js'
import { displayPath } from '../paths.js'

/**
 * The config's `engine`: a module with marp-cli's signature (`({ marp }) => marp.use(plugin)`), which
 * every render thread loads. Its key covers its source, the local files it imports (their sources,
 * followed), and the name and version of each package it imports, so that editing the plugin, or
 * updating a package it uses, renders the decks again.
 */
export interface EngineModule {
  /** Absolute path of the module. */
  readonly file: string
  /** For messages: relative to the root, or the package path as written. */
  readonly display: string
  readonly key: string
}

export async function locateEngine(root: string, entry: string): Promise<EngineModule> {
  const local = path.resolve(root, entry)
  let file: string | undefined = (await isFile(local)) ? local : undefined
  if (file === undefined && !path.isAbsolute(entry) && !entry.startsWith('.')) {
    try {
      file = createRequire(path.join(root, 'package.json')).resolve(entry)
    } catch {
      // Neither a file nor an installed package: said below.
    }
  }
  if (file === undefined) {
    throw new MarpSiteError('CONFIG', `engine: ${entry} is neither a file (relative to the project root) nor an installed package`)
  }
  const parts: string[] = []
  await fingerprint(file, parts, new Set())
  return { file, display: file === local ? displayPath(root, file) : entry, key: digest(parts) }
}

/** Import specifiers of a JavaScript module, static and dynamic, ES and CommonJS. */
export function importsOf(source: string): string[] {
  const found = new Set<string>()
  const patterns = [
    /\bfrom\s*['"]([^'"\n]+)['"]/g,
    /\bimport\s*['"]([^'"\n]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) if (m[1]) found.add(m[1])
  return [...found]
}

async function fingerprint(file: string, parts: string[], seen: Set<string>): Promise<void> {
  if (seen.has(file) || seen.size > 200) return
  seen.add(file)
  let source: string
  try {
    source = await readFile(file, 'utf8')
  } catch (error) {
    throw new MarpSiteError('CONFIG', `engine: cannot read ${file}: ${reason(error)}`, { cause: error })
  }
  parts.push(`${file}\n${source}`)
  const require = createRequire(file)
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith('node:')) continue
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const target = resolveQuietly(require, specifier)
      if (target) await fingerprint(target, parts, seen)
      continue
    }
    parts.push(`${specifier}@${packageVersion(require, specifier) ?? 'not found'}`)
  }
}

/** The installed version of the package a bare specifier (`markdown-it-container`, `@scope/x/y`) names. */
function packageVersion(require: NodeJS.Require, specifier: string): string | undefined {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
  const main = resolveQuietly(require, specifier)
  if (!main || !name) return undefined
  // Up from the resolved file to the folder of the package's own package.json (exports may hide it).
  for (let dir = path.dirname(main); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (!dir.endsWith(`${path.sep}${name.split('/').join(path.sep)}`)) continue
    try {
      return (require(path.join(dir, 'package.json')) as { version?: string }).version
    } catch {
      return undefined
    }
  }
  return undefined
}

function resolveQuietly(require: NodeJS.Require, specifier: string): string | undefined {
  try {
    return require.resolve(specifier)
  } catch {
    // A specifier that does not resolve here fails when the module loads, with its own message.
    return undefined
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    // Not there: the caller tries a package, then says what it looked for.
    return false
  }
}
