import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PACKAGE_DIR } from '../config/resolve.js'
import { MarpSiteError } from '../errors.js'
import { contentHash } from '../hash.js'
import { JS_DIR } from './pages.js'

/**
 * The index page's scripts (src/client, compiled into lib/client): the search and browse script the
 * index links, and the search engine it loads when someone searches. Their site paths carry a hash
 * of their content, like the deck runtime's.
 */
export interface IndexScripts {
  readonly page: { readonly path: string; readonly js: string }
  readonly engine: { readonly path: string; readonly js: string }
}

export async function indexScripts(packageDir: string = PACKAGE_DIR): Promise<IndexScripts> {
  const dir = path.join(packageDir, 'lib', 'client')
  try {
    const [page, engine] = await Promise.all(['index-page.js', 'search-engine.js'].map((name) => readFile(path.join(dir, name), 'utf8')))
    return {
      page: { path: `${JS_DIR}/index.${contentHash(page ?? '')}.js`, js: page ?? '' },
      engine: { path: `${JS_DIR}/search.${contentHash(engine ?? '')}.js`, js: engine ?? '' },
    }
  } catch (error) {
    throw new MarpSiteError('INTERNAL', `The index page's scripts are missing from ${dir}; run \`npm run compile\``, { cause: error })
  }
}

/** The site path of the search data file, named by what it holds (`key`): a search never reads an old copy. */
export function searchDataPath(key: string): string {
  return `${JS_DIR}/search-data.${key.slice(0, 12)}.js`
}
