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

  it('keeps a reference it cannot resolve as it was', async () => {
    const html = '<img src="missing.png"><img src="../../../etc/passwd.png"><link rel="stylesheet" href="nowhere.css">'
    expect(await inlinePage(html, 'talk', files)).toBe(html)
  })
})
