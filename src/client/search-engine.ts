/**
 * The index page's search engine, a script of its own loaded only when someone searches (the index
 * page's first paint does not wait for it): it hands the page a function that builds the index from
 * the search data file.
 */
import { createEngine } from './search/engine.js'
import { ENGINE_GLOBAL } from './search/records.js'

;(self as unknown as Record<string, unknown>)[ENGINE_GLOBAL] = createEngine
