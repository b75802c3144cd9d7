import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { measureEdges } from '../compat/lib/edges.mjs'
import { exactEntry, requestTarget, verifyExternalRequest, verifyLayout, verifyMissingAsset } from '../compat/lib/verify.mjs'
import { launchBrowser, type TestBrowser } from './helpers/browser.js'
import { tempDir } from './helpers/project.js'

// The compat run's referee (compat/lib/verify.mjs, edges.mjs): it must say no when a problem is not true.
describe('compat: checking reported problems', () => {
  it('looks a missing file up name by name: a file that differs only in case is missing, one that exists is not', async () => {
    const root = await tempDir()
    await mkdir(path.join(root, 'deck', 'img'), { recursive: true })
    await writeFile(path.join(root, 'deck', 'img', 'Logo.png'), 'x')
    const ctx = { deckDir: path.join(root, 'deck'), projectDir: root, themeNames: ['mine'] }
    const missing = (url: string) => ({ rule: 'missing-asset', message: `image ${url} (deck/${url}) not found` })
    expect(await exactEntry(path.join(root, 'deck', 'img', 'logo.png'))).toBeNull()
    expect(await verifyMissingAsset(missing('img/logo.png'), ctx)).toMatchObject({ confirmed: true, reason: 'deck/img/logo.png is not on disk' })
    expect(await verifyMissingAsset(missing('img/Logo.png?v=2'), ctx)).toMatchObject({ confirmed: false, reason: 'deck/img/Logo.png exists' })
    expect(await verifyMissingAsset(missing('img'), ctx)).toMatchObject({ confirmed: true, reason: 'deck/img is a directory, not a file' })
    const theme = (name: string) => ({ rule: 'missing-asset', message: `imports "${name}", which is not a registered theme (known: a)` })
    expect(await verifyMissingAsset(theme('gaia'), ctx)).toMatchObject({ confirmed: false, check: 'themes' })
    expect(await verifyMissingAsset(theme('mine'), ctx)).toMatchObject({ confirmed: false })
    expect(await verifyMissingAsset(theme('nowhere'), ctx)).toMatchObject({ confirmed: true })
  })

  it('takes an external request as true when Chromium asked for it, or when no slide shown uses a remote URL the built site holds', () => {
    const message = 'https://unpkg.com/x@^2/a.css is fetched by the CSS of theme "default" from outside the site'
    expect(requestTarget('imports https://fonts.example/css?family=A:wght@400;700, which the browser fetches')).toBe(
      'https://fonts.example/css?family=A:wght@400;700',
    )
    expect(verifyExternalRequest({ rule: 'external-request', message }, { requested: ['https://unpkg.com/x@%5E2/a.css'], texts: [] })).toMatchObject({
      confirmed: true,
      check: 'requested',
    })
    expect(verifyExternalRequest({ rule: 'external-request', message }, { requested: [], texts: ['@import url(https://unpkg.com/x@^2/a.css)'] })).toMatchObject(
      {
        confirmed: true,
        check: 'referenced',
      },
    )
    expect(verifyExternalRequest({ rule: 'external-request', message }, { requested: [], texts: ['nothing'] }).confirmed).toBe(false)
    const local = { rule: 'external-request', message: 'images/a.png is fetched from outside the site' }
    expect(verifyExternalRequest(local, { requested: [], texts: ['images/a.png'] }).confirmed).toBe(false)
  })

  it('confirms an overflow only where the content crosses the edge, and names the overflowing slides nobody reported', () => {
    const measured = [
      { overflow: { bottom: 40 }, crowded: {} },
      { overflow: {}, crowded: { bottom: 12 } },
      { overflow: { right: 5 }, crowded: {} },
    ]
    const { verdicts, missed } = verifyLayout(
      [
        { rule: 'overflow', slide: 1, message: 'slide 1: content runs 40 px past the bottom of the slide' },
        { rule: 'overflow', slide: 2, message: 'slide 2: content runs 12 px past the bottom of the slide' },
        { rule: 'crowded', slide: 3, message: 'slide 3: content runs 5 px into the right padding' },
      ],
      measured,
    )
    expect(verdicts.map((v) => v.confirmed)).toEqual([true, false, false])
    expect(verdicts[1]?.reason).toBe('no content crosses the edge there (it enters the padding: 12 px bottom)')
    expect(missed).toEqual([{ slide: 3, sides: { right: 5 } }])
  })
})

describe("compat: the referee's own measure in Chromium", () => {
  let chromium: TestBrowser
  beforeAll(async () => {
    chromium = await launchBrowser()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it('finds content past the edge, content only in the padding, and leaves footers, clipped and hidden parts alone', async () => {
    const slide = (body: string) =>
      `<svg data-marpit-svg viewBox="0 0 400 300" style="display:block;width:400px;height:300px"><foreignObject width="400" height="300"><section style="width:400px;height:300px;box-sizing:border-box;padding:40px;overflow:hidden">${body}</section></foreignObject></svg>`
    const html = [
      slide('<div style="height:280px">tall</div>'), // 20 px past the bottom edge
      slide('<div style="height:240px">fits the slide, not its padding</div>'), // 20 px into the bottom padding
      slide('<p>short</p><footer style="position:absolute;bottom:5px">footer</footer><header>head</header>'),
      slide(
        '<div style="overflow:hidden;height:100px"><div style="height:900px">clipped</div></div><span style="position:absolute;clip:rect(1px,1px,1px,1px);top:0;width:1px;height:1px;overflow:hidden"><span style="display:block;height:900px">mathml</span></span>',
      ),
      slide('<div style="display:none;height:900px">x</div><div style="visibility:hidden;height:900px"></div>'),
    ].join('')
    const page = await chromium.browser.newPage()
    try {
      await page.setContent(`<!doctype html><body style="margin:0">${html}</body>`)
      const measured = await page.evaluate(measureEdges, 1)
      expect(measured).toEqual([
        { overflow: { bottom: 20 }, crowded: {} },
        { overflow: {}, crowded: { bottom: 20 } },
        { overflow: {}, crowded: {} },
        { overflow: {}, crowded: {} },
        { overflow: {}, crowded: {} },
      ])
    } finally {
      await page.close()
    }
  })
})
