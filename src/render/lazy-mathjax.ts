/**
 * marp-core requires six MathJax modules when it loads, whichever math library a deck uses; loading
 * them is about a third of the time a render worker takes to start (~150 ms here), and decks without
 * math (most) or with KaTeX never call them. Imported first by the render worker, this hands
 * marp-core a stand-in for each of those modules that loads the real one the first time anything
 * on it is touched, so MathJax still works, just loaded when first used.
 *
 * Node 20 has no public hook for `require` inside CommonJS packages, so this wraps `Module._load`
 * for exactly these specifiers and passes everything else through untouched.
 */
import nodeModule from 'node:module'

const PREFIX = 'mathjax-full/js/'

interface ModuleLoader {
  _load(request: string, parent: unknown, isMain: boolean): unknown
}

const Module = nodeModule as unknown as ModuleLoader
const load = Module._load

Module._load = function lazyLoad(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
  if (typeof request !== 'string' || !request.startsWith(PREFIX)) return load.call(this, request, parent, isMain)
  let real: object | undefined
  const target = (): object => (real ??= load.call(this, request, parent, isMain) as object)
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(target(), key),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key)
        // A proxy may not report a property its (empty) target lacks as non-configurable.
        return descriptor && { ...descriptor, configurable: true }
      },
    },
  )
}
