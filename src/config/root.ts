import { existsSync } from 'node:fs'
import path from 'node:path'
import { CONFIG_FILE_NAMES } from './load.js'
import { MARP_CLI_CONFIG_NAMES } from './marp-cli.js'

/**
 * The project a command run without `[root]` is about: the nearest folder from `start` upward that
 * holds a marp-site or marp-cli config or a `package.json`, as npm and git find theirs, so that `marp-site build`
 * in `slides/` builds the project around it. Undefined when there is none (then `start` is the root).
 */
export function findProjectRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if ([...CONFIG_FILE_NAMES, ...MARP_CLI_CONFIG_NAMES, 'package.json'].some((name) => existsSync(path.join(dir, name)))) return dir
    if (path.dirname(dir) === dir) return undefined
  }
}
