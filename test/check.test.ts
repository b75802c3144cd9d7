import { chmod, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli/main.js'
import { EXIT_CODES } from '../src/errors.js'
import { ourBrowsers, privateTmpdir } from './helpers/browser.js'
import { exists, project, REPO } from './helpers/project.js'

async function run(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: REPO, color: false })
  return { code, stdout, stderr }
}

const TMP = privateTmpdir()

afterAll(async () => {
  // No browser the overflow rule started may outlive the check.
  expect(ourBrowsers('marp-site-check-browser-')).toEqual([])
  await rm(TMP, { recursive: true, force: true })
})

const SVG = (w: number, h: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#1d5fa8"/></svg>`

describe('marp-site check', { timeout: 120_000 }, () => {
  it('passes our own sample decks clean', async () => {
    // A copy of the decks marp-site ships in slides/ (test/fixtures/samples): the user replaces slides/.
    const result = await run(['check', await project({}, 'samples'), '--format', 'json'])
    expect(JSON.parse(result.stdout)).toEqual({ problems: [] })
    expect(result.code).toBe(0)
  })

  it('flags the post-mortem talk as first written with an overflow on its second slide', async () => {
    // The talk exactly as first written (shared/examples/post-mortem.md), without headingDivider.
    const root = await project({}, 'post-mortem-original')
    const result = await run(['check', root, '--format', 'json'])
    const { problems } = JSON.parse(result.stdout) as { problems: { deck: string; slide: number; rule: string; severity: string; message: string }[] }
    expect(problems).toEqual([
      expect.objectContaining({
        deck: 'post-mortem',
        slide: 2,
        rule: 'overflow',
        severity: 'error',
        message: expect.stringMatching(/runs \d+ px past the bottom/),
      }),
    ])
    expect(result.code).toBe(EXIT_CODES.PROBLEMS)
  })

  it('places an overflow on the line its slide starts on, in check and in the PDF build', async () => {
    const bullets = Array.from({ length: 30 }, (_, i) => `- Point number ${i + 1}`).join('\n')
    // Slide 2's heading is on line 5: `# Fits`, a blank line, `---`, a blank line, then `# Too tall`.
    const root = await project({ 'slides/deck.md': `# Fits\n\n---\n\n# Too tall\n\n${bullets}\n` })
    const { problems } = JSON.parse((await run(['check', root, '--format', 'json'])).stdout) as { problems: { rule: string; slide: number; line?: number }[] }
    expect(problems).toEqual([expect.objectContaining({ rule: 'overflow', slide: 2, line: 5 })])
    await run(['build', root, '--pdf'])
    const manifest = JSON.parse(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')) as { decks: { problems: { rule: string; line?: number }[] }[] }
    expect(manifest.decks[0]?.problems).toEqual([expect.objectContaining({ rule: 'overflow', line: 5 })])
  })

  it('flags content too tall and too wide at the right slide, and not the near misses', async () => {
    const bullets = (n: number) => Array.from({ length: n }, (_, i) => `- Point number ${i + 1}`).join('\n')
    const wideRow = `| ${Array.from({ length: 14 }, () => 'a-long-unbreakable-cell-value').join(' | ')} |`
    const root = await project({
      'slides/decks.md': [
        `# Fits\n\n${bullets(6)}`,
        `# Too tall\n\n${bullets(30)}`,
        `# Too wide\n\n${wideRow}\n|${' --- |'.repeat(14)}\n${wideRow}`,
        `![bg](big.svg)\n\n# A background larger than the slide`,
        "```js\nconst aVeryLongLineOfCode = ['that', 'would', 'run', 'off', 'the', 'slide', 'if', 'marp-core', 'did', 'not', 'scale', 'code', 'blocks', 'down', 'to', 'fit']\n```",
        '# <!-- fit --> A heading long enough to need fitting to the width of the slide',
      ].join('\n\n---\n\n'),
      'slides/big.svg': SVG(4000, 3000),
    })
    const result = await run(['check', root, '--format', 'json'])
    const { problems } = JSON.parse(result.stdout) as { problems: { slide: number; rule: string; message: string }[] }
    expect(problems.filter((p) => p.rule === 'overflow').map((p) => [p.slide, /past the (\w+)/.exec(p.message)?.[1]])).toEqual([
      [2, 'bottom'],
      [3, 'right'],
    ])
  })

  it('reports each rule of a fixture deck at its file, line and slide, in the JSON shape', async () => {
    const root = await project({
      'slides/rules.md': [
        '# Rules\n\n![](pic.svg)', // 3: missing-alt
        '![a missing picture](nowhere.svg)', // 7: missing-asset
        '<!-- theme: nonesuch -->\n\n# Unknown theme', // 11: unknown-theme
        '![a remote picture](https://example.com/x.png)', // 17: external-request
        '[the next talk](next.md)', // 21: broken-link
        '', // slide 6: empty-slide
      ].join('\n\n---\n\n'),
      'slides/pic.svg': SVG(10, 10),
    })
    const result = await run(['check', root, '--format', 'json'])
    const { problems } = JSON.parse(result.stdout) as { problems: Record<string, unknown>[] }
    expect(problems.map((p) => [p['rule'], p['line'] ?? null, p['slide'] ?? null]).sort()).toEqual(
      [
        ['broken-link', 21, null],
        ['empty-slide', null, 6],
        ['external-request', 17, null],
        ['missing-alt', 3, null],
        ['missing-asset', 7, null],
        ['unknown-theme', 11, null],
      ].sort(),
    )
    for (const p of problems) {
      expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['deck', 'file', 'message', 'rule', 'severity']))
      expect(p).toMatchObject({ deck: 'rules', file: 'slides/rules.md' })
    }
    expect(result.code).toBe(EXIT_CODES.PROBLEMS)
  })

  it('does not flag content that exactly fits the slide, and flags it 4 px taller', async () => {
    const style = (cls: string, px: number) =>
      `section.${cls} { padding: 0; display: block; } section.${cls} p { margin: 0; } section.${cls} img { display: block; width: 1280px; height: ${px}px; }`
    const root = await project({
      'slides/exact.md': [
        `<style>\n${style('exact', 720)}\n${style('over', 724)}\n</style>\n\n<!-- _class: exact -->\n\n![a block exactly as tall as the slide](block.svg)`,
        '<!-- _class: over -->\n\n![a block 4 px taller than the slide](block.svg)',
      ].join('\n\n---\n\n'),
      'slides/block.svg': SVG(1280, 720),
    })
    const result = await run(['check', root, '--format', 'json'])
    const { problems } = JSON.parse(result.stdout) as { problems: { slide: number; rule: string; message: string }[] }
    expect(problems.map((p) => [p.rule, p.slide, /runs (\d+) px/.exec(p.message)?.[1]])).toEqual([['overflow', 2, '4']])
  })

  it('lets the config and a deck switch rules off or change their severity', async () => {
    const bullets = Array.from({ length: 30 }, (_, i) => `- Point ${i + 1}`).join('\n')
    const root = await project({
      'marp-site.config.json': JSON.stringify({ rules: { 'missing-alt': 'error', 'empty-slide': 'off' } }),
      'slides/a.md': `# A\n\n![](pic.svg)\n\n---\n\n---\n\n# Long\n\n${bullets}`,
      'slides/b.md': `---\nrules:\n  overflow: warning\n  missing-alt: off\n---\n\n# B\n\n![](pic.svg)\n\n---\n\n# Long\n\n${bullets}`,
      'slides/c.md': `---\nrules:\n  overflow: false\n  read-error: off\n---\n\n# C\n\n${bullets}`,
      'slides/pic.svg': SVG(10, 10),
    })
    const result = await run(['check', root, '--format', 'json'])
    const { problems } = JSON.parse(result.stdout) as { problems: { deck: string; rule: string; severity: string; message: string }[] }
    expect(problems.map((p) => [p.deck, p.rule, p.severity]).sort()).toEqual([
      ['a', 'missing-alt', 'error'],
      ['a', 'overflow', 'error'],
      ['b', 'overflow', 'warning'],
      ['c', 'front-matter', 'warning'],
    ])
    expect(problems.find((p) => p.deck === 'c')?.message).toContain('"read-error" cannot be switched')
    expect(result.code).toBe(EXIT_CODES.PROBLEMS)
  })

  it('refuses an unknown rule or setting in the config, naming it', async () => {
    const root = await project({ 'marp-site.config.json': JSON.stringify({ rules: { overflw: 'off' } }), 'slides/a.md': '# A' })
    const result = await run(['check', root])
    expect(result.code).toBe(EXIT_CODES.CONFIG)
    expect(result.stderr).toContain('overflw')
  })

  it('exits 0 on warnings, and 1 with --strict; prints them grouped by file; leaves the out dir alone', async () => {
    const root = await project({ 'slides/a.md': '# A\n\n![](pic.svg)', 'slides/pic.svg': SVG(10, 10) })
    const plain = await run(['check', root])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toContain('slides/a.md:3  warning  image pic.svg has no alt text')
    expect(plain.stdout).toContain('0 errors, 1 warning in 1 deck')
    expect(await exists(path.join(root, 'dist'))).toBe(false)
    const strict = await run(['check', root, '--strict'])
    expect(strict.code).toBe(EXIT_CODES.PROBLEMS)
  })

  it('says which browser did not start, with its own last words, as a browser error', async () => {
    const root = await project({ 'slides/a.md': '# A', 'broken-chromium': '#!/bin/sh\necho "cannot open shared object file libgbm.so.1" >&2\nexit 127\n' })
    await chmod(path.join(root, 'broken-chromium'), 0o755)
    const result = await run(['check', root, '--browser-path', path.join(root, 'broken-chromium')])
    expect(result.code).toBe(EXIT_CODES.BROWSER)
    expect(result.stderr).toMatch(/broken-chromium exited \(code 127\) as it started: cannot open shared object file libgbm\.so\.1/)
  })

  it('refuses an unknown format', async () => {
    const result = await run(['check', await project({}, 'samples'), '--format', 'xml'])
    expect(result.code).toBe(EXIT_CODES.USAGE)
  })
})
