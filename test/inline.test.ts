import { describe, expect, it } from 'vitest'
import { inlinePage } from '../src/write/inline.js'

const FILES: Record<string, string> = {
  '_assets/css/deck.css':
    'section{background:url(\'../fonts/bg.svg\')}@font-face{font-family:K;src:url(../katex/K.woff2) format("woff2"),url(../katex/K.woff) format("woff"),url(../katex/K.ttf) format("truetype")}',
  '_assets/fonts/bg.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  '_assets/katex/K.woff2': 'w2',
  '_assets/js/run.js': 'document.title = "</script><b>"',
  'talk/images/a b.png': 'png',
}
const files = async (sitePath: string) => FILES[sitePath]
const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('self-contained pages (--single-file)', () => {
  it('puts stylesheets, scripts and local files inside the page, and leaves links and remote URLs alone', async () => {
    const html = [
      '<link rel="stylesheet" href="../_assets/css/deck.css">',
      '<img src="images/a%20b.png"><img src="https://example.com/x.png">',
      '<section style="background-image:url(&quot;images/a%20b.png&quot;)"></section>',
      '<a href="../other/index.html">next</a>',
      '<script src="../_assets/js/run.js"></script>',
    ].join('\n')
    const out = await inlinePage(html, 'talk', files)
    expect(out).not.toContain('<link rel="stylesheet"')
    expect(out).toContain(`section{background:url(data:image/svg+xml;base64,${b64(FILES['_assets/fonts/bg.svg'] ?? '')})}`)
    // Fonts offered in several formats keep only WOFF2.
    expect(out).toContain(`src:url(data:font/woff2;base64,${b64('w2')}) format("woff2")}`)
    expect(out).not.toContain('K.woff)')
    expect(out).toContain(`<img src="data:image/png;base64,${b64('png')}">`)
    expect(out).toContain('<img src="https://example.com/x.png">')
    expect(out).toContain(`style="background-image:url(data:image/png;base64,${b64('png')})"`)
    expect(out).toContain('<a href="../other/index.html">next</a>')
    // A script's text cannot end its own <script> element.
    expect(out).toContain('<script>document.title = "<\\/script><b>"</script>')
  })

  it('puts a stylesheet the page CSS imports inside it, with its fonts, and stops at an import loop', async () => {
    const sheets: Record<string, string> = {
      '_assets/css/gaia-deck.css': '@import url("../fonts/gaia.css");section{font-family:Lato}',
      '_assets/fonts/gaia.css': "@import url(loop.css);@font-face{font-family:'Lato';src:url(lato.woff2) format('woff2')}",
      '_assets/fonts/loop.css': '@import url(gaia.css);',
      '_assets/fonts/lato.woff2': 'lato',
    }
    const out = await inlinePage('<link rel="stylesheet" href="../_assets/css/gaia-deck.css">', 'talk', async (p) => sheets[p])
    const imported = /@import url\(data:text\/css;base64,([A-Za-z0-9+/=]+)\)/.exec(out)?.[1]
    const gaia = Buffer.from(imported ?? '', 'base64').toString()
    expect(gaia).toContain(`src:url(data:font/woff2;base64,${b64('lato')}) format('woff2')`)
    // loop.css is inlined once; its import of gaia.css, which is being inlined, stays a link.
    const loop = Buffer.from(/@import url\(data:text\/css;base64,([A-Za-z0-9+/=]+)\)/.exec(gaia)?.[1] ?? '', 'base64').toString()
    expect(loop).toBe('@import url(gaia.css);')
  })

  it('keeps a reference it cannot resolve as it was', async () => {
    const html = '<img src="missing.png"><img src="../../../etc/passwd.png"><link rel="stylesheet" href="nowhere.css">'
    expect(await inlinePage(html, 'talk', files)).toBe(html)
  })
})
