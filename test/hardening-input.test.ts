import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdir, readdir, symlink, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../src/errors.js'
import { buildProject, project, readManifest, readOut, REPO, SLOW_DECK, freePort } from './helpers/project.js'

const BIN = path.join(REPO, 'bin/marp-site.js')

/**
 * The CLI as a real process with a time limit: where the fault is a hang, an in-process build would
 * hang the test runner with it. `status` is null when the limit killed it.
 */
function cli(args: string[], timeout = 60_000) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } })
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file])
}

/** Every file under a folder, relative to it, with forward slashes. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
}

/** `marp-site dev` as a child process on a port of its own choosing, read from its output. */
async function devProcess(root: string) {
  const child = spawn(process.execPath, [BIN, 'dev', root, '--port', String(await freePort())], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const base = () => /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0]
  return {
    output: () => output,
    async get(p: string, timeout = 5000): Promise<{ status: number; body: string } | undefined> {
      const url = base()
      if (!url) return undefined
      const res = await fetch(new URL(p.slice(1), url), { signal: AbortSignal.timeout(timeout) }).catch(() => undefined)
      return res ? { status: res.status, body: await res.text() } : undefined
    },
    async waitFor(check: () => Promise<boolean>, what: string, limit = 30_000): Promise<void> {
      const deadline = Date.now() + limit
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async stop(): Promise<void> {
      // SIGKILL, not SIGINT: a server blocked on a read never handles a signal it could catch.
      child.kill('SIGKILL')
      await exited
    },
  }
}

describe('files that are not regular files', { timeout: 120_000 }, () => {
  it('reports a FIFO deck, a symlink to a FIFO, a FIFO theme and a FIFO image, and builds the rest', async () => {
    const root = await project({
      'slides/good.md': '# Good',
      'slides/img.md': '# Image\n\n![a picture](pic.png)',
    })
    mkfifo(path.join(root, 'slides/pipe.md'))
    mkfifo(path.join(root, 'fifo'))
    await symlink('../fifo', path.join(root, 'slides/link.md'))
    await mkdir(path.join(root, 'themes'))
    mkfifo(path.join(root, 'themes/pipe.css'))
    mkfifo(path.join(root, 'slides/pic.png'))
    const child = cli(['build', '--no-pdf', root], 30_000)
    expect(child.status, `no exit within 30 s; stderr:\n${child.stderr}`).toBe(EXIT_CODES.PROBLEMS)
    expect(child.stderr).toContain('slides/pipe.md  error    is not a regular file (a FIFO, socket or device); not built  read-error')
    expect(child.stderr).toContain('slides/link.md  error    is not a regular file (a FIFO, socket or device); not built  read-error')
    expect(child.stderr).toContain('themes/pipe.css  error    is not a regular file (a FIFO, socket or device); not registered  theme-error')
    expect(child.stderr).toMatch(/slides\/img\.md:3 +error +image pic\.png \(slides\/pic\.png\) is not a regular file +missing-asset/)
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['good', 'img'])
  })

  it('keeps dev answering while a deck is a FIFO', async () => {
    const root = await project({ 'slides/good.md': '# Good' })
    mkfifo(path.join(root, 'slides/pipe.md'))
    // The glob lists a link to a FIFO as a deck (it follows links to anything): the read is what blocked.
    mkfifo(path.join(root, 'fifo'))
    await symlink('../fifo', path.join(root, 'slides/link.md'))
    const dev = await devProcess(root)
    try {
      await dev.waitFor(async () => (await dev.get('/good/index.html'))?.body.includes('Good') === true, 'the first build')
      // A save while the FIFO is still there: the rebuild must not block either.
      await writeFile(path.join(root, 'slides/good.md'), '# Better')
      await dev.waitFor(async () => (await dev.get('/good/index.html'))?.body.includes('Better') === true, 'the rebuild')
      expect((await dev.get('/'))?.status).toBe(200)
      expect(dev.output()).toContain('is not a regular file')
    } finally {
      await dev.stop()
    }
  })
})

describe('decks whose pages collide with another deck', () => {
  it('reports nested decks that take another deck page, thumbnail or PDF path, and builds the rest', async () => {
    const root = await project({
      'slides/x.md': '# X',
      'slides/x/index.html.md': '# index',
      'slides/x/thumb.html.md': '# thumb',
      'slides/z.md': '# Z',
      'slides/z/z.pdf.md': '# pdf',
      'slides/x/fine.md': '# fine',
    })
    const result = await buildProject(root)
    const conflicts = result.problems.filter((p) => p.rule === 'slug-conflict')
    expect(conflicts.map((p) => [p.file, p.severity])).toEqual([
      ['slides/x/index.html.md', 'error'],
      ['slides/x/thumb.html.md', 'error'],
      ['slides/z/z.pdf.md', 'error'],
    ])
    expect(conflicts[0]?.message).toBe(
      'its folder "x/index.html/" is where slides/x.md writes its file x/index.html; rename one of them (only slides/x.md was built)',
    )
    expect(conflicts[2]?.message).toContain('z/z.pdf')
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['x', 'x/fine', 'z'])
  })

  it('reports a deck written before the deck whose file its folder takes (any order)', async () => {
    // `a b/` sorts before `a-b.md` (a space before a dash), and both give the slug `a-b`: the folder is claimed first.
    const root = await project({ 'slides/a b/index.html.md': '# nested', 'slides/a-b.md': '# top' })
    const result = await buildProject(root)
    expect(result.problems.map((p) => [p.file, p.rule])).toEqual([['slides/a-b.md', 'slug-conflict']])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['a-b/index.html'])
  })

  it('reports a slug segment over 255 bytes once lower-cased (or its PDF name), and builds the rest', async () => {
    // `Ⱥ` is 2 bytes in UTF-8 and its lower case `ⱥ` is 3: the name fits the disk, the slug does not.
    const long = 'Ⱥ'.repeat(100)
    const pdfTooLong = 'Ⱥ'.repeat(84)
    const root = await project({ 'slides/ok.md': '# ok', [`slides/${long}.md`]: '# long', [`slides/${pdfTooLong}.md`]: '# long pdf' })
    const result = await buildProject(root)
    expect(result.problems.map((p) => [p.file, p.rule, p.severity]).sort()).toEqual(
      [
        [`slides/${long}.md`, 'slug-conflict', 'error'],
        [`slides/${pdfTooLong}.md`, 'slug-conflict', 'error'],
      ].sort(),
    )
    expect(result.problems.find((p) => p.file === `slides/${long}.md`)?.message).toContain('300 bytes')
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['ok'])
  })
})

describe('private files are never published', () => {
  it('refuses dotfiles and node_modules in images, <img>, CSS url() and backgrounds, each at its line', async () => {
    const root = await project({
      '.env': 'SECRET=1',
      '.git/config': '[core]',
      'node_modules/x/y.png': 'png',
      'slides/ok.png': 'png',
      'slides/leak.md': [
        '# Leak', // 1
        '',
        '![env](../.env)', // 3
        '',
        '![git](../.git/config)', // 5
        '',
        '<img src="../node_modules/x/y.png">', // 7
        '',
        '![bg](../.git/config)', // 9
        '',
        '<style>', // 11
        'section { background: url(../.env); }', // 12
        '</style>',
        '',
        '![fine](ok.png)', // 15
      ].join('\n'),
    })
    // A symlink whose name looks harmless but leads to a dotfile.
    await symlink('../.env', path.join(root, 'slides/innocent.png'))
    await writeFile(path.join(root, 'slides/other.md'), '# Other\n\n![x](innocent.png)')
    const result = await buildProject(root)
    const unsafe = result.problems.filter((p) => p.rule === 'unsafe-path').map((p) => [p.file, p.line, p.severity])
    expect(unsafe).toEqual([
      ['slides/leak.md', 3, 'error'],
      ['slides/leak.md', 5, 'error'],
      ['slides/leak.md', 7, 'error'],
      ['slides/leak.md', 9, 'error'],
      ['slides/leak.md', 12, 'error'],
      ['slides/other.md', 3, 'error'],
    ])
    expect(result.problems.find((p) => p.line === 3)?.message).toContain('hidden')
    expect(result.problems.find((p) => p.line === 7)?.message).toContain('node_modules')
    const published = await filesUnder(path.join(root, 'dist'))
    expect(published.filter((f) => /(^|\/)\.|node_modules|config$|y\.png$|innocent/.test(f))).toEqual([])
    expect(published).toContain('leak/ok.png')
    const html = await readOut(root, 'leak/index.html')
    expect(html).not.toContain('SECRET')
  })
})

describe('file: URLs', { timeout: 120_000 }, () => {
  const deck = [
    '# Local files', // 1
    '',
    '![a](file:///etc/hostname)', // 3
    '',
    '<img src="file:///etc/hostname">', // 5
    '',
    '<style>', // 7
    'section { background: url("file:///etc/hostname"); }', // 8
    '</style>',
  ].join('\n')
  const message = 'file: URLs are not published; put the file in the project'

  it('reports each at its line in a build', async () => {
    const root = await project({ 'slides/files.md': deck, 'slides/ok.md': '# ok' })
    const result = await buildProject(root)
    const unsafe = result.problems.filter((p) => p.rule === 'unsafe-path')
    expect(unsafe.map((p) => [p.file, p.line, p.severity])).toEqual([
      ['slides/files.md', 3, 'error'],
      ['slides/files.md', 5, 'error'],
      ['slides/files.md', 8, 'error'],
    ])
    for (const p of unsafe) expect(p.message).toContain(message)
    expect((await filesUnder(path.join(root, 'dist'))).filter((f) => f.includes('hostname'))).toEqual([])
  })

  it('reports each at its line in check --format json', async () => {
    const root = await project({ 'slides/files.md': deck })
    const child = cli(['check', root, '--format', 'json'], 90_000)
    expect(child.status).toBe(EXIT_CODES.PROBLEMS)
    const { problems } = JSON.parse(child.stdout) as { problems: { file: string; line?: number; rule: string; message: string }[] }
    const unsafe = problems.filter((p) => p.rule === 'unsafe-path')
    expect(unsafe.map((p) => p.line)).toEqual([3, 5, 8])
    for (const p of unsafe) expect(p.message).toContain(message)
  })
})

describe('the dev server under a hostile page', { timeout: 120_000 }, () => {
  it('injects the live script before the last </body> of a page of 200,000, and answers others meanwhile', async () => {
    const root = await project({ 'slides/good.md': '# Good' })
    const dev = await devProcess(root)
    try {
      await dev.waitFor(async () => (await dev.get('/good/index.html'))?.body.includes('Good') === true, 'the first build')
      await writeFile(path.join(root, 'dist/big.html'), '</body>'.repeat(200_000))
      // Generous bounds: the point is that neither waits on the other for many seconds.
      const [big, other] = await Promise.all([dev.get('/big.html', 5000), dev.get('/good/index.html', 5000)])
      expect(other?.status).toBe(200)
      expect(big?.status).toBe(200)
      const body = big?.body ?? ''
      expect(body.match(/<\/body>/g)?.length).toBe(200_000)
      expect(body).toMatch(/(<\/body>){199999}<script src="\/__marp-site\/live\.js" data-build="\d+"><\/script><\/body>$/)
    } finally {
      await dev.stop()
    }
  })
})

describe('smaller hardening', { timeout: 120_000 }, () => {
  it('refuses a deck over the size limit without reading it (a sparse 3 GB file)', async () => {
    const root = await project({ 'slides/ok.md': '# ok', 'slides/huge.md': '' })
    await truncate(path.join(root, 'slides/huge.md'), 3 * 1024 ** 3)
    const result = await buildProject(root)
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'slides/huge.md', rule: 'too-large', message: 'is 3072.0 MB; decks over 5 MB are not rendered' }),
    ])
  })

  it('names the setting that raises the render time limit', async () => {
    const root = await project({ 'slides/slow.md': SLOW_DECK, 'marp-site.config.json': '{ "renderTimeout": 1 }' })
    const result = await buildProject(root)
    expect(result.problems[0]?.message).toContain('raise renderTimeout')
  })

  it('does not follow a folder symlink out of the project (slides/root → /)', async () => {
    const root = await project({ 'slides/ok.md': '# ok' })
    await symlink('/', path.join(root, 'slides/root'))
    const child = cli(['build', '--no-pdf', root], 30_000)
    expect(child.status, `no exit within 30 s; stderr:\n${child.stderr}`).toBe(EXIT_CODES.PROBLEMS)
    const lines = child.stderr.split('\n').filter((l) => l.includes('unsafe-path'))
    expect(lines).toEqual([expect.stringContaining('slides/root  error    is a symlink to a folder outside the project; not followed')])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['ok'])
  })

  it('gives the line of the first invalid UTF-8 byte', async () => {
    const bytes = Buffer.concat([Buffer.from('# One\n\nTwo\n\nth'), Buffer.from([0xff]), Buffer.from('ree\n')])
    const root = await project({ 'slides/bad.md': bytes, 'slides/ok.md': '# ok' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([expect.objectContaining({ file: 'slides/bad.md', line: 5, rule: 'encoding' })])
  })

  it('gives a YAML alias bomb in the front-matter its line', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i += 1) {
      const prev = String.fromCharCode(96 + i)
      const name = String.fromCharCode(97 + i)
      levels.push(`${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`)
    }
    const root = await project({ 'slides/bomb.md': `---\ntitle: Bomb\n${levels.join('\n')}\n---\n# Bomb`, 'slides/ok.md': '# ok' })
    const result = await buildProject(root)
    const bomb = result.problems.filter((p) => p.file === 'slides/bomb.md')
    expect(bomb.length).toBeGreaterThan(0)
    for (const p of bomb) expect(p).toMatchObject({ line: 1, rule: 'front-matter', severity: 'warning' })
    // Marp renders it (its YAML parser does not expand the aliases), so the deck is built.
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['bomb', 'ok'])
  })

  it('reports a deck named only dots (`....md`) instead of skipping it silently', async () => {
    const root = await project({ 'slides/....md': '# dots', 'slides/ok.md': '# ok', 'slides/.draft.md': '# hidden on purpose' })
    const result = await buildProject(root)
    expect(result.problems).toEqual([expect.objectContaining({ file: 'slides/....md', rule: 'slug-conflict', severity: 'error' })])
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['ok'])
  })
})
