import { describe, expect, it } from 'vitest'
import { slugFor } from '../src/discover/slug.js'
import { resolveRef, SITE_ROOT } from '../src/render/refs.js'
import { relativize } from '../src/write/relativize.js'
import { isInside } from '../src/paths.js'

describe('resolveRef: what a URL in a deck points at', () => {
  it.each([
    ['https://example.com/a.png'],
    ['http://example.com/a.png'],
    ['//cdn.example.com/a.png'],
    ['data:image/png;base64,AAAA'],
    ['mailto:someone@example.com'],
    ['#top'],
    [''],
  ])('leaves %j alone', (url) => {
    expect(resolveRef(url, 'slides', 'talk')).toEqual({ kind: 'remote' })
  })

  it.each([
    ['img/a.png', 'slides/talks/img/a.png', 'intro/img/a.png', `${SITE_ROOT}intro/img/a.png`],
    ['./a.png', 'slides/talks/a.png', 'intro/a.png', `${SITE_ROOT}intro/a.png`],
    ['../shared/logo.svg', 'slides/shared/logo.svg', 'intro/_files/slides/shared/logo.svg', `${SITE_ROOT}intro/_files/slides/shared/logo.svg`],
    ['my%20pic.png', 'slides/talks/my pic.png', 'intro/my pic.png', `${SITE_ROOT}intro/my%20pic.png`],
    ['café.png?v=2#x', 'slides/talks/café.png', 'intro/café.png', `${SITE_ROOT}intro/caf%C3%A9.png?v=2#x`],
    ['it(1).png', 'slides/talks/it(1).png', 'intro/it(1).png', `${SITE_ROOT}intro/it%281%29.png`],
  ])('resolves %j inside the project', (url, source, target, rewritten) => {
    expect(resolveRef(url, 'slides/talks', 'intro')).toEqual({ kind: 'local', source, target, url: rewritten })
  })

  it.each([
    ['../../../etc/passwd', 'outside'],
    ['..\\..\\..\\etc\\passwd', 'outside'],
    ['%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'outside'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/win.ini', 'absolute'],
    ['\\\\host\\share\\x.png', 'absolute'],
    ['a%00.png', 'null byte'],
  ])('refuses %j', (url, why) => {
    const result = resolveRef(url, 'slides/talks', 'intro')
    expect(result.kind).toBe('unsafe')
    if (result.kind === 'unsafe') expect(result.reason).toContain(why)
  })
})

describe('relativize: site-root URLs become relative to the file written', () => {
  it('rewrites for a page two levels down, for the root, and for a stylesheet', () => {
    const html = `<img src="${SITE_ROOT}a/b/img/x.png"><img src="${SITE_ROOT}_assets/twemoji/svg/1f604.svg">`
    expect(relativize(html, 'a/b')).toBe('<img src="img/x.png"><img src="../../_assets/twemoji/svg/1f604.svg">')
    expect(relativize(html, '')).toBe('<img src="a/b/img/x.png"><img src="_assets/twemoji/svg/1f604.svg">')
    expect(relativize(`url(${SITE_ROOT}_assets/katex/a.woff2)`, '_assets/css')).toBe('url(../katex/a.woff2)')
  })

  it('keeps escaped characters escaped and leaves other URLs alone', () => {
    expect(relativize(`src="${SITE_ROOT}caf%C3%A9/x%20y.png" href="https://x/y"`, 'café')).toBe('src="x%20y.png" href="https://x/y"')
  })
})

describe('slugs', () => {
  it.each([
    ['intro.md', 'intro'],
    ['Talks/My Talk #2.md', 'talks/my-talk-2'],
    ['what?.markdown', 'what'],
    ['Café Ünïcode.md', 'café-ünïcode'],
    ['日本語.md', '日本語'],
    ['a/b/c.md', 'a/b/c'],
    ['---.md', 'untitled'],
  ])('%j → %j', (file, slug) => {
    expect(slugFor(file)).toBe(slug)
  })
})

describe('isInside', () => {
  it('uses path segments, not string prefixes', () => {
    expect(isInside('/srv/slides', '/srv/slides/a.md')).toBe(true)
    expect(isInside('/srv/slides', '/srv/slides')).toBe(true)
    expect(isInside('/srv/slides', '/srv/slides-private/a.md')).toBe(false)
    expect(isInside('/srv/slides', '/srv/a.md')).toBe(false)
    expect(isInside('/srv/slides', '/srv/slides/..foo')).toBe(true)
  })
})
