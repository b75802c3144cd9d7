import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../src/config/resolve.js'
import { project } from './helpers/project.js'

describe('config files', () => {
  it('uses defaults without a config: lang en, our theme, the four dirs under the root', async () => {
    const root = await project({ 'slides/a.md': '# a' })
    const config = await resolveConfig({ root })
    expect(config).toMatchObject({
      root,
      configFile: undefined,
      lang: 'en',
      theme: 'marp-site',
      pdf: { mode: 'auto', notes: false, timeoutMs: 60_000, browserPath: undefined },
      renderTimeoutMs: 10_000,
      slidesDir: path.join(root, 'slides'),
      themesDir: path.join(root, 'themes'),
      templatesDir: path.join(root, 'templates'),
      outDir: path.join(root, 'dist'),
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it("names marp-core's default math engine, MathJax, when the config names none: renders cached under another default are not reused", async () => {
    const root = await project({ 'slides/a.md': '# a' })
    // The render cache key digests these options, so the engine that renders is part of it.
    expect((await resolveConfig({ root })).marp).toEqual({ math: 'mathjax' })
    const katex = await project({ 'marp-site.config.json': '{ "marp": { "math": "katex", "minifyCSS": false } }' })
    expect((await resolveConfig({ root: katex })).marp).toEqual({ math: 'katex', minifyCSS: false })
  })

  it.each([
    ['marp-site.config.json', '{ "title": "From JSON", "lang": "fr" }'],
    ['marp-site.config.mjs', 'export default { title: "From MJS", lang: "fr" }'],
    ['marp-site.config.js', 'export default () => ({ title: "From JS", lang: "fr" })'],
    ['package.json', '{ "name": "x", "type": "module", "marpSite": { "title": "From package.json", "lang": "fr" } }'],
  ])('reads %s', async (name, content) => {
    const root = await project({ [name]: content, ...(name === 'marp-site.config.js' ? { 'package.json': '{"type":"module"}' } : {}) })
    const config = await resolveConfig({ root })
    expect(config.title).toMatch(/^From /)
    expect(config.lang).toBe('fr')
    expect(config.configFile).toBe(path.join(root, name))
  })

  it('lets CLI flags win over the file, and the file over defaults', async () => {
    const root = await project({ 'marp-site.config.json': '{ "slidesDir": "decks", "outDir": "public" }' })
    const config = await resolveConfig({ root, outDir: 'site' })
    expect(config.slidesDir).toBe(path.join(root, 'decks'))
    expect(config.outDir).toBe(path.join(root, 'site'))
  })

  it('reads an explicit --config file', async () => {
    const root = await project({ 'conf/site.json': '{ "title": "Explicit" }' })
    expect((await resolveConfig({ root, config: 'conf/site.json' })).title).toBe('Explicit')
    await expect(resolveConfig({ root, config: 'nope.json' })).rejects.toMatchObject({ code: 'CONFIG', message: 'Config file not found: nope.json' })
  })

  it('names an unknown key and suggests the right one', async () => {
    const root = await project({ 'marp-site.config.json': '{ "titel": "x" }' })
    await expect(resolveConfig({ root })).rejects.toMatchObject({
      code: 'CONFIG',
      message: 'Invalid config in marp-site.config.json: unknown key "titel" (did you mean "title"?)',
    })
  })

  it('names a key with a wrong type, nested ones included', async () => {
    const root = await project({ 'marp-site.config.json': '{ "title": 3, "marp": { "math": "latex" } }' })
    const error = await resolveConfig({ root }).then(
      () => new Error('resolved'),
      (e: unknown) => e as Error,
    )
    expect(error.message).toContain('"title"')
    expect(error.message).toContain('"marp.math"')
  })

  it('reads pdf.notes as annotations (true) or a handout, and names a wrong value', async () => {
    const notes = async (value: string) =>
      (await resolveConfig({ root: await project({ 'marp-site.config.json': `{ "pdf": { "notes": ${value} } }` }) })).pdf.notes
    expect([await notes('true'), await notes('"annotations"'), await notes('"handout"'), await notes('false')]).toEqual([
      'annotations',
      'annotations',
      'handout',
      false,
    ])
    await expect(notes('"slides"')).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('"pdf.notes"') })
  })

  it('rejects a bad lang and a non-http base URL', async () => {
    const root = await project({ 'marp-site.config.json': '{ "lang": "en_US!", "baseUrl": "ftp://x" }' })
    const error = await resolveConfig({ root }).then(
      () => new Error('resolved'),
      (e: unknown) => e as Error,
    )
    expect(error.message).toContain('"lang"')
    expect(error.message).toContain('"baseUrl"')
  })

  it('reports a config file that throws or is not valid JSON, naming it', async () => {
    const throwing = await project({ 'marp-site.config.mjs': 'throw new Error("boom")' })
    await expect(resolveConfig({ root: throwing })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/^marp-site\.config\.mjs failed to load: boom/),
    })
    const broken = await project({ 'marp-site.config.json': '{ "title": ' })
    await expect(resolveConfig({ root: broken })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/^marp-site\.config\.json is not valid JSON/),
    })
  })

  it('says where broken JSON is by line and column, not by offset', async () => {
    // The missing comma is after the value on line 3; JSON.parse notices at the next key, line 4, column 3.
    const root = await project({ 'marp-site.config.json': '{\n  "title": "Talks",\n  "lang": "en"\n  "theme": "gaia"\n}\n' })
    await expect(resolveConfig({ root })).rejects.toMatchObject({
      code: 'CONFIG',
      line: 4,
      message: expect.stringMatching(/^marp-site\.config\.json is not valid JSON at line 4, column 3: /),
    })
  })

  it('suggests the key meant for a misspelt nested key too', async () => {
    const root = await project({ 'marp-site.config.json': JSON.stringify({ pdf: { enabeld: true }, marp: { mathh: 'katex' } }) })
    await expect(resolveConfig({ root })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/unknown key "pdf\.enabeld" \(did you mean "pdf\.enabled"\?\).*unknown key "marp\.mathh" \(did you mean "marp\.math"\?\)/),
    })
  })

  it('refuses two config files at once', async () => {
    const root = await project({ 'marp-site.config.json': '{}', 'marp-site.config.mjs': 'export default {}' })
    await expect(resolveConfig({ root })).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('more than one config file') })
  })

  it.each([
    ['the root', '.'],
    ['inside the slides dir', 'slides/out'],
    ['the slides dir itself', 'slides'],
    ['a parent of the root', '..'],
  ])('refuses an out dir that is %s', async (_, out) => {
    const root = await project({ 'slides/a.md': '# a' })
    await expect(resolveConfig({ root, outDir: out })).rejects.toMatchObject({ code: 'CONFIG' })
  })
})
