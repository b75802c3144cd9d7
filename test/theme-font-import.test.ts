import { describe, expect, it } from 'vitest'
import { createEngine } from '../src/render/engine.js'

const theme = (name: string, imports: string) => ({
  file: `/p/themes/${name}.css`,
  display: `themes/${name}.css`,
  css: `/* @theme ${name} */\n${imports}\nsection { color: #123; }\n`,
})

// Seen on the compatibility corpus (ddps-ko): a theme that imports gaia's web-font stylesheet itself was
// reported as an external request, though the site serves those fonts and the page never asks the CDN.
describe("a theme's import of gaia's web fonts", () => {
  it('is no external request: the site serves its own copy', () => {
    const engine = createEngine({
      themes: [theme('lab', '@import "https://fonts.bunny.net/css?family=Lato:400,900|Roboto+Mono:400,700&display=swap";')],
      defaultTheme: 'default',
      marp: {},
    })
    expect(engine.problems).toEqual([])
  })

  it('leaves any other remote import reported, with its line', () => {
    const engine = createEngine({
      themes: [theme('lab', '@import url("https://fonts.example.com/css2?family=Inter:wght@400;700");')],
      defaultTheme: 'default',
      marp: {},
    })
    expect(engine.problems).toEqual([
      expect.objectContaining({
        rule: 'external-request',
        file: 'themes/lab.css',
        line: 2,
        message: expect.stringContaining('https://fonts.example.com/css2?family=Inter:wght@400;700'),
      }),
    ])
  })
})

// Seen on the compatibility corpus (lorca-es): imports a theme's author commented out were reported as
// external requests, though the browser never reads a comment.
describe('an import inside a CSS comment', () => {
  it('is neither an external request nor a missing theme, and the imports after it keep their lines', () => {
    const engine = createEngine({
      themes: [
        theme(
          'lab',
          '/* @import url("https://fonts.example.com/css2?family=Old:wght@400;700"); */\n/*\n@import "gone";\n*/\n@import url("https://fonts.example.com/css2?family=New");',
        ),
      ],
      defaultTheme: 'default',
      marp: {},
    })
    expect(engine.problems).toEqual([expect.objectContaining({ rule: 'external-request', line: 6, message: expect.stringContaining('family=New') })])
  })
})
