import { DATA_GLOBAL, ENGINE_GLOBAL, type SearchData, type SearchEngine } from './records.js'

/**
 * Loads the search engine and the search data when they are first needed, as classic scripts: a
 * page opened from `file://` cannot fetch() a file, but it can load a script. Once per page.
 */
let loading: Promise<SearchEngine> | undefined

export function loadSearch(engineSrc: string, dataSrc: string): Promise<SearchEngine> {
  loading ??= Promise.all([script(engineSrc), script(dataSrc)]).then(() => {
    const globals = self as unknown as Record<string, unknown>
    const create = globals[ENGINE_GLOBAL] as ((data: SearchData) => SearchEngine) | undefined
    const data = globals[DATA_GLOBAL] as SearchData | undefined
    if (!create || !data) throw new Error('the search files did not load')
    return create(data)
  })
  loading.catch(() => {
    // Failed (a file missing from a copied site): the next search tries again.
    loading = undefined
  })
  return loading
}

function script(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const el = document.createElement('script')
    el.src = src
    el.async = true
    el.onload = () => resolve()
    el.onerror = () => {
      el.remove()
      reject(new Error(`${src} did not load`))
    }
    document.head.append(el)
  })
}
