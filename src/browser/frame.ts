/**
 * Printing many decks through one loaded page. Loading a deck page costs Chromium a navigation, the
 * stylesheets, the scripts and the fonts again (about 0.3 s a deck on 2 cores), though most decks of
 * a site share all of them and differ only in their body. So the printer loads the first deck of a
 * tab normally and, for each next deck whose page has the same frame (the same stylesheets, styles,
 * scripts and rendering `<meta>`s, URLs resolved), swaps the new page's `<html>`
 * attributes, title and `<body>` into the loaded document and points a `<base>` at the new page, so
 * its relative URLs resolve as they would in its own page. Anything else is loaded normally.
 *
 * Runs in the page: self-contained, as the browser driver sends it as source text.
 *
 * - `remember`: records the frame of the page just loaded (fetched again, from the browser's cache).
 * - `swap`: takes the page at `url` (its `html` when the printer passes it, which saves a request
 *   through the printer's request handler; else fetched); when its frame is the one recorded, swaps
 *   it in and answers true.
 */
export async function deckFrame(mode: string, url: string, html?: string): Promise<boolean> {
  const holder = window as unknown as { __marpSitePrintFrame?: string | null }
  // What in a page, besides its body, decides how it prints: stylesheets, styles, scripts and the
  // rendering <meta>s, with URLs resolved. Titles, descriptions and other metadata may differ.
  const signature = (doc: Document, base: string): string | null => {
    // A page with its own <base>, or inline CSS with relative url()s, resolves differently in another
    // document; such pages are always loaded on their own.
    if (doc.querySelector('base')) return null
    const parts: string[] = []
    for (const el of Array.from(doc.querySelectorAll('link[rel~="stylesheet" i], style, script, meta[name="viewport" i], meta[name="color-scheme" i]'))) {
      const tag = el.tagName.toLowerCase()
      if (tag === 'script' && /json/i.test((el as HTMLScriptElement).type)) continue
      if (tag === 'style' && /url\(\s*(['"]?)(?!data:|[a-z][a-z0-9+.-]*:|\/|#)/i.test(el.textContent ?? '')) return null
      const src = el.getAttribute(tag === 'link' ? 'href' : 'src')
      const attrs = el
        .getAttributeNames()
        .filter((n) => n !== 'href' && n !== 'src')
        .map((n) => `${n}=${el.getAttribute(n) ?? ''}`)
      parts.push(`${tag} ${attrs.join(' ')} ${src === null ? '' : new URL(src, base).href} ${el.textContent ?? ''}`)
    }
    return parts.join('\n')
  }
  const load = async (from: string): Promise<Document | null> => {
    const response = await fetch(from)
    if (!response.ok) return null
    return new DOMParser().parseFromString(await response.text(), 'text/html')
  }

  if (mode === 'remember') {
    const own = location.href.split(/[?#]/)[0] ?? location.href
    const doc = await load(own)
    holder.__marpSitePrintFrame = doc ? signature(doc, own) : null
    return holder.__marpSitePrintFrame !== null
  }
  const frame = holder.__marpSitePrintFrame
  if (!frame) return false
  const doc = typeof html === 'string' ? new DOMParser().parseFromString(html, 'text/html') : await load(url)
  if (!doc || signature(doc, url) !== frame) return false

  let base = document.head.querySelector('base[data-marp-site-print]')
  if (!base) {
    base = document.createElement('base')
    base.setAttribute('data-marp-site-print', '')
    document.head.prepend(base)
  }
  base.setAttribute('href', url)
  const root = document.documentElement
  for (const name of root.getAttributeNames()) root.removeAttribute(name)
  for (const name of doc.documentElement.getAttributeNames()) root.setAttribute(name, doc.documentElement.getAttribute(name) ?? '')
  document.title = doc.title
  document.body.replaceWith(document.adoptNode(doc.body))
  window.scrollTo(0, 0)
  return true
}
