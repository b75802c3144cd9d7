import path from 'node:path'
import { Liquid, type Template } from 'liquidjs'
import { MarpSiteError } from '../errors.js'
import { displayPath } from '../paths.js'
import type { DeckPageData, IndexPageData, ThumbPageData } from './data.js'

export const TEMPLATE_NAMES = ['deck', 'index', 'thumb'] as const
type TemplateName = (typeof TEMPLATE_NAMES)[number]

export interface Templates {
  deckPage(data: DeckPageData): Promise<string>
  indexPage(data: IndexPageData): Promise<string>
  thumbPage(data: ThumbPageData): Promise<string>
}

/**
 * Loads the page templates (Liquid) from the project's templates dir, falling back to marp-site's
 * own for any file the project does not have, so a project can override just `index.liquid`, or
 * just the `layout.liquid` that wraps every page. All templates are parsed up front: a syntax error
 * stops the build before anything is written.
 */
export async function loadTemplates(options: { root: string; dirs: readonly string[] }): Promise<Templates> {
  const liquid = new Liquid({
    root: [...options.dirs],
    layouts: [...options.dirs],
    partials: [...options.dirs],
    extname: '.liquid',
    cache: true,
    strictFilters: true,
    // Every `{{ value }}` is HTML-escaped unless the template says `| raw`.
    outputEscape: 'escape',
    ownPropertyOnly: true,
  })
  const parsed = new Map<TemplateName, Template[]>()
  for (const name of TEMPLATE_NAMES) {
    try {
      parsed.set(name, await liquid.parseFile(name))
    } catch (error) {
      throw templateError(options.root, name, error)
    }
  }
  // Rendered synchronously: the templates and their partials are parsed and cached, our filters are
  // synchronous, and liquidjs's asynchronous path costs several times the CPU (a promise per tag).
  const render = async (name: TemplateName, data: object): Promise<string> => {
    try {
      return liquid.renderSync(parsed.get(name) ?? [], data) as string
    } catch (error) {
      throw templateError(options.root, name, error)
    }
  }
  return {
    deckPage: (data) => render('deck', data),
    indexPage: (data) => render('index', data),
    thumbPage: (data) => render('thumb', data),
  }
}

function templateError(root: string, name: string, error: unknown): MarpSiteError {
  const e = error as { message?: string; token?: { file?: string; getPosition?: () => [number, number] } }
  const file = e.token?.file
  const [line] = e.token?.getPosition?.() ?? []
  const where = file ? displayPath(root, file, (f) => `marp-site/templates/${path.basename(f)}`) : `${name}.liquid`
  // liquidjs appends ", file:..., line:..., col:..." to its messages; we say it up front instead.
  const message = (e.message ?? String(error)).replace(/, file:.*$/s, '').replace(/^ENOENT: Failed to lookup "(.*?)".*$/s, 'template "$1" not found')
  return new MarpSiteError('TEMPLATE', `${where}${line ? `:${line}` : ''}: ${message}`, {
    cause: error,
    file: where,
    ...(line ? { line } : {}),
  })
}
