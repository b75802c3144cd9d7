import { readFileSync } from 'node:fs'

/** marp-site's own version, from its package.json (one level above both src/ and lib/). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

export const GENERATOR = `marp-site ${VERSION}`
