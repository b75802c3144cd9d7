import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mapMarpCliConfig } from '../src/config/marp-cli.js'
import { resolveConfig } from '../src/config/resolve.js'
import { readVsCodeSettings } from '../src/config/vscode.js'
import { buildProject, project, readManifest, readOut, runCli } from './helpers/project.js'

const CORPORATE = '/* @theme corporate */\n@import "default";\nsection { background: rgb(1, 35, 69); }\n'

const run = runCli

/** The CSS files the site's pages link, joined: where a theme's rules end up. */
async function siteCss(root: string, slug: string, out = 'dist'): Promise<string> {
  const page = await readOut(root, `${slug}/index.html`, out)
  const links = [...page.matchAll(/href="([^"]+\.css)"/g)].map((m) => m[1] ?? '')
  const files = await Promise.all(links.map((href) => readOut(root, path.posix.normalize(path.posix.join(slug, href)), out)))
  return files.join('\n')
}

describe('marp-cli config, mapped to ours', () => {
  it('maps the options that mean something for a site, and says why each other one is not used', () => {
    const mapped = mapMarpCliConfig(
      {
        theme: 'gaia',
        themeSet: ['a.css', 'themes/'],
        html: true,
        inputDir: 'decks',
        output: 'public',
        lang: 'ja',
        title: 'Talks',
        url: 'https://example.com/talks',
        pdf: true,
        pdfNotes: true,
        browserTimeout: 90,
        options: { math: { lib: 'katex' }, markdown: ['commonmark', { breaks: false }], looseYAML: true },
        allowLocalFiles: true,
        server: true,
        themset: 'typo',
      },
      '.marprc.yml',
    )
    expect(mapped.config).toEqual({
      theme: 'gaia',
      slidesDir: 'decks',
      outDir: 'public',
      lang: 'ja',
      title: 'Talks',
      baseUrl: 'https://example.com/talks',
      marp: { html: true, math: 'katex', markdown: { breaks: false } },
      pdf: { enabled: true, notes: 'annotations', timeout: 90 },
    })
    expect(mapped.themes).toEqual(['a.css', 'themes/'])
    expect(mapped.warnings).toEqual([
      expect.stringMatching(/^\.marprc\.yml: "allowLocalFiles" is not used: .*copies the files/),
      expect.stringMatching(/^\.marprc\.yml: "server" is not used: use `marp-site dev`/),
      '.marprc.yml: unknown marp-cli option "themset" (did you mean "themeSet"?)',
      expect.stringMatching(/^\.marprc\.yml: "options\.looseYAML" is not used/),
    ])
  })

  it('takes marp-cli’s output as the out dir only when it is a folder', () => {
    expect(mapMarpCliConfig({ output: 'talk.pdf' }, 'm').warnings).toEqual([expect.stringMatching(/"output" is not used: .*folder/)])
    expect(mapMarpCliConfig({ output: 'talk.pdf' }, 'm').config).toEqual({})
    expect(mapMarpCliConfig({ output: 'site' }, 'm').config).toEqual({ outDir: 'site' })
  })

  it('builds a marp-cli project as it is: .marprc.yml with its themes folder, theme, html, input and output dirs', async () => {
    const root = await project({
      '.marprc.yml': ['themeSet: ./mythemes', 'theme: corporate', 'html: true', 'inputDir: ./decks', 'output: ./public', 'server: true'].join('\n'),
      'mythemes/corporate.css': CORPORATE,
      'decks/a.md': '# Hello\n\n<marquee>moving</marquee>\n',
    })
    const { code, stderr } = await run(['build', root, '--no-pdf'], root)
    expect(code).toBe(0)
    expect(stderr).toContain('marp-site: config read from .marprc.yml (marp-cli config)')
    expect(stderr).toContain('warning: .marprc.yml: "server" is not used')
    expect((await readManifest(root, 'public')).decks.map((d) => d.source)).toEqual(['decks/a.md'])
    expect(await readOut(root, 'a/index.html', 'public')).toContain('<marquee>moving</marquee>')
    expect(await siteCss(root, 'a', 'public')).toContain('rgb(1, 35, 69)')
  })

  it('reads marp.config.mjs, and a theme given by its CSS file', async () => {
    const root = await project({
      'marp.config.mjs': 'export default { theme: "./corp.css", title: "From marp-cli" }',
      'corp.css': CORPORATE,
      'slides/a.md': '# A',
    })
    const config = await resolveConfig({ root })
    expect(config).toMatchObject({ title: 'From marp-cli', theme: 'corporate', themes: [path.join(root, 'corp.css')] })
    await buildProject(root)
    expect(await siteCss(root, 'a')).toContain('rgb(1, 35, 69)')
  })

  it('lets a marp-site config extend a marp-cli config, its own keys winning', async () => {
    const root = await project({
      '.marprc.json': JSON.stringify({ title: 'marp-cli title', lang: 'de', options: { math: 'katex', minifyCSS: false } }),
      'marp-site.config.json': JSON.stringify({ extends: './.marprc.json', title: 'Ours', marp: { minifyCSS: true } }),
    })
    const config = await resolveConfig({ root })
    expect(config).toMatchObject({ title: 'Ours', lang: 'de', marp: { math: 'katex', minifyCSS: true }, sources: ['.marprc.json (marp-cli config)'] })
  })

  it('names a file that extends something that is not a marp-cli config', async () => {
    const root = await project({ 'marp-site.config.json': JSON.stringify({ extends: './other.json' }), 'other.json': '{}' })
    await expect(resolveConfig({ root })).rejects.toThrow(/extends \.\/other\.json, which is not a marp-cli config file/)
  })

  it('reports a .marprc that is not YAML with its line', async () => {
    const root = await project({ '.marprc': 'title: ok\nlang: [unclosed\n' })
    await expect(resolveConfig({ root })).rejects.toThrow(/\.marprc is not valid YAML at line \d/)
  })

  it('uses our config over marp-cli’s when both are there', async () => {
    const root = await project({ '.marprc.yml': 'title: marp-cli', 'marp-site.config.json': '{ "title": "ours" }' })
    expect((await resolveConfig({ root })).title).toBe('ours')
    expect((await resolveConfig({ root, config: '.marprc.yml' })).title).toBe('marp-cli')
  })
})

describe('a marp-cli project as it is (test/fixtures/dropin-marp-cli: decks given on marp-cli’s command line)', () => {
  it('builds every deck with its configured theme and no problem, from .marprc.yml and the VS Code settings', async () => {
    const root = await project({}, 'dropin-marp-cli')
    const { code, stderr } = await run(['build', root, '--no-pdf'], root)
    expect(code).toBe(0)
    expect(stderr).toContain('config read from .marprc.yml (marp-cli config), .vscode/settings.json (Marp for VS Code settings)')
    const manifest = await readManifest(root)
    // talk.md is the deck (marp: true); README.md and notes.md are not.
    expect(manifest.decks.map((d) => [d.source, d.slides, d.problems])).toEqual([['talk.md', 2, []]])
    // The theme's own colour, the size it defines (1920×1080), and inline HTML (html: true).
    expect(await siteCss(root, 'talk')).toContain('#f4a259')
    const page = await readOut(root, 'talk/index.html')
    expect(page).toContain('viewBox="0 0 1920 1080"')
    expect(page).toContain('<span style="color: #8fd694">')
  })
})

describe('Marp for VS Code settings', () => {
  it('reads JSON with comments and trailing commas; skips remote themes with a warning', () => {
    const read = readVsCodeSettings(
      '{\n  // the editor\n  "markdown.marp.themes": ["./t.css", "https://example.com/x.css",],\n  "markdown.marp.html": "all",\n  "markdown.marp.mathTypesetting": "katex",\n}',
      '.vscode/settings.json',
    )
    expect(read).toMatchObject({ themes: ['./t.css'], html: true, math: 'katex', any: true })
    expect(read.warnings).toEqual([expect.stringContaining('https://example.com/x.css is not fetched')])
  })

  it('uses the workspace’s themes and HTML setting when the config sets neither, and says it read them', async () => {
    const root = await project({
      '.vscode/settings.json': '{ "markdown.marp.themes": ["./styles/corp.css"], "markdown.marp.html": "all" }',
      'styles/corp.css': CORPORATE,
      'slides/a.md': '---\ntheme: corporate\n---\n# A\n\n<marquee>moving</marquee>\n',
    })
    const { code, stderr } = await run(['build', root, '--no-pdf'], root)
    expect(code).toBe(0)
    expect(stderr).toContain('.vscode/settings.json (Marp for VS Code settings)')
    expect(await readOut(root, 'a/index.html')).toContain('<marquee>moving</marquee>')
    expect(await siteCss(root, 'a')).toContain('rgb(1, 35, 69)')
  })

  it('leaves what the config sets to the config', async () => {
    const root = await project({
      '.vscode/settings.json': '{ "markdown.marp.html": "all", "markdown.marp.mathTypesetting": "off" }',
      'marp-site.config.json': '{ "marp": { "html": false } }',
    })
    expect((await resolveConfig({ root })).marp).toEqual({ html: false, math: false })
  })
})

describe('theme entries', () => {
  it('registers a theme from a CSS file of an installed package', async () => {
    const root = await project({
      'node_modules/corp-theme/package.json': '{ "name": "corp-theme", "version": "1.0.0" }',
      'node_modules/corp-theme/corp.css': CORPORATE,
      'marp-site.config.json': '{ "themes": ["corp-theme/corp.css"], "theme": "corporate" }',
      'slides/a.md': '# A',
    })
    const result = await buildProject(root)
    expect(result.problems).toEqual([])
    expect(await siteCss(root, 'a')).toContain('rgb(1, 35, 69)')
  })

  it('reports a theme entry that is nowhere, and still builds', async () => {
    const root = await project({ 'marp-site.config.json': '{ "themes": ["missing/theme.css"] }', 'slides/a.md': '# A' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([expect.objectContaining({ rule: 'theme-error', file: 'missing/theme.css' })])
    expect((await readManifest(root)).decks).toHaveLength(1)
  })
})
