import path from 'node:path'
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { themeFiles } from '../src/render/theme-files.js'
import { buildProject, project, readOut } from './helpers/project.js'

const THEME =
  '/* @theme company */\n@import "default";\nsection { background: url("logo.svg") no-repeat right top / 80px; }\nfooter::before { content: url(img/mark.svg); }\n'
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><rect width="80" height="80" fill="#c2410c"/></svg>'

describe('files a theme names with url()', () => {
  it('resolves them next to the deck, as marp-cli does, and leaves the deck’s own and remote URLs alone', () => {
    const css =
      'a{background:url("logo.svg")}b{background:url(/__marp-site-root__/x/y.png)}c{background:url(https://e.example/z.png)}d{src:url(data:font/woff2;base64,AA)}'
    const { css: out, refs } = themeFiles(css, 'slides/talks', 'talks/intro', 3)
    expect(refs).toEqual([{ url: 'logo.svg', source: 'slides/talks/logo.svg', target: expect.any(String), line: 3, kind: 'theme' }])
    expect(out).toContain('url("/__marp-site-root__/')
    expect(out).toContain('url(https://e.example/z.png)')
    expect(out).toContain('url(data:font/woff2;base64,AA)')
  })

  it('copies the theme’s files beside each deck that has them, and reports them missing for a deck that has not', async () => {
    const root = await project({
      'themes/company.css': THEME,
      'slides/a/talk.md': '---\ntheme: company\n---\n# With the logo',
      'slides/a/logo.svg': LOGO,
      'slides/a/img/mark.svg': LOGO,
      'slides/b.md': '---\ntheme: company\n---\n# Without',
    })
    const result = await buildProject(root)
    expect(result.problems.map((p) => [p.file, p.line, p.rule, p.message])).toEqual([
      ['slides/b.md', 2, 'missing-asset', expect.stringMatching(/^the theme’s url\(\) .*logo\.svg \(slides\/logo\.svg\) not found/)],
      ['slides/b.md', 2, 'missing-asset', expect.stringMatching(/img\/mark\.svg \(slides\/img\/mark\.svg\) not found/)],
    ])
    // The deck's stylesheet points at the copy, which is in the site.
    const page = await readOut(root, 'a/talk/index.html')
    const href = /href="([^"]+\.css)"/.exec(page.replace(/href="[^"]*runtime[^"]*"/g, ''))?.[1] ?? ''
    const cssFile = path.join(root, 'dist', 'a', 'talk', href)
    const css = await readFile(cssFile, 'utf8')
    const logo = /url\("?([^")]*logo\.svg)"?\)/.exec(css)?.[1] ?? ''
    expect(await readFile(path.resolve(path.dirname(cssFile), logo), 'utf8')).toBe(LOGO)
  })
})
