import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../src/errors.js'
import { buildProject, project, readManifest, REPO, freePort } from './helpers/project.js'

const BIN = path.join(REPO, 'bin/marp-site.js')
const isRoot = process.getuid?.() === 0
/** As root, file permissions do not stop reads or writes; without these two capabilities they do. */
const WITHOUT_ROOT_OVERRIDE = ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search']

/** Runs the real CLI, optionally subject to file permissions even as root, or under shell limits. */
function cli(args: string[], options: CliOptions = {}): SpawnSyncReturns<string> {
  const [command, ...rest] = cliCommand(args, options)
  return spawnSync(command, rest, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
}

interface CliOptions {
  readonly permissions?: boolean
  readonly shell?: string
}

/** The command line that runs the CLI with `args`, under the shell limits and permissions asked for. */
function cliCommand(args: string[], options: CliOptions): [string, ...string[]] {
  let argv = [process.execPath, BIN, ...args]
  if (options.shell) argv = ['bash', '-c', `${options.shell}; exec "$0" "$@"`, ...argv]
  if (options.permissions && isRoot) argv = [...WITHOUT_ROOT_OVERRIDE, ...argv]
  const [command = '', ...rest] = argv
  return [command, ...rest]
}

describe('filesystem faults', () => {
  it('reports an unreadable deck and builds the others', async () => {
    const root = await project({ 'slides/good.md': '# Good', 'slides/secret.md': '# Secret' })
    await chmod(path.join(root, 'slides/secret.md'), 0o000)
    const result = cli(['build', '--no-pdf', root], { permissions: true })
    expect(result.stderr).toContain('slides/secret.md  error    cannot be read: permission denied  read-error')
    expect(result.status).toBe(EXIT_CODES.PROBLEMS)
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['good'])
  })

  it('fails with the path and reason when a write fails (file size limit), keeping the previous site', async () => {
    const root = await project({}, 'site')
    await buildProject(root)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    // A page of over 16 KB must be written (unchanged files are linked from the previous site, not written).
    await writeFile(path.join(root, 'slides/intro.md'), `# Changed\n\n${'many words '.repeat(3000)}`)
    // RLIMIT_FSIZE makes any write past 16 KB fail with EFBIG: a disk that fills up mid-build.
    const result = cli(['build', '--no-pdf', root], { shell: 'trap "" XFSZ; ulimit -f 16' })
    expect(result.status).toBe(EXIT_CODES.IO)
    expect(result.stderr).toMatch(/^marp-site: Cannot (write|copy) .*dist.*: /m)
    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    expect((await readdir(root)).sort()).toEqual(['.marp-site-cache', 'assets', 'dist', 'slides'])
  })

  it('builds more decks than the open-file limit allows files at once', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 600; i += 1) files[`slides/d${i}.md`] = `# Deck ${i}\n\n![a dot](img.svg)`
    files['slides/img.svg'] = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    const root = await project(files)
    const result = cli(['build', '--no-pdf', root], { shell: 'ulimit -n 256' })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect((await readManifest(root)).decks).toHaveLength(600)
  }, 60_000)

  it('fails clearly when the out dir cannot be created (read-only parent)', async () => {
    const root = await project({ 'slides/a.md': '# a' })
    await chmod(root, 0o555)
    const result = cli(['build', '--no-pdf', root], { permissions: true })
    expect(result.status).toBe(EXIT_CODES.IO)
    expect(result.stderr).toMatch(/^marp-site: Cannot create .*: permission denied/m)
    await chmod(root, 0o755)
  })

  it('leaves the previous site whole after kill -9 mid-build, and the next build cleans up', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 120; i += 1)
      files[`slides/deck-${String(i).padStart(3, '0')}.md`] = `# Deck ${i}\n\n${'- item\n'.repeat(40)}\n---\n\n## Two\n\n$x^${i}$`
    const root = await project(files)
    await buildProject(root)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    await writeFile(path.join(root, 'slides/deck-000.md'), '# Changed')

    const child = spawn(process.execPath, [BIN, 'build', '--no-pdf', root], { stdio: 'ignore' })
    // Kill it once it is writing its staging folder.
    const deadline = Date.now() + 20_000
    while (!(await readdir(root)).some((n) => n.includes('marp-site-tmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))

    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    await buildProject(root)
    expect((await readdir(root)).sort()).toEqual(['.marp-site-cache', 'dist', 'slides'])
    expect((await readManifest(root)).decks).toHaveLength(120)
  })

  it('stops on Ctrl-C (SIGINT) with exit 130 and the previous site intact', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 120; i += 1) files[`slides/d${i}.md`] = `# Deck ${i}\n\n${'text '.repeat(400)}`
    const root = await project(files)
    await buildProject(root)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    await writeFile(path.join(root, 'slides/d0.md'), '# Changed')
    const child = spawn(process.execPath, [BIN, 'build', '--no-pdf', root], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const deadline = Date.now() + 20_000
    while (!(await readdir(root)).some((n) => n.includes('marp-site-tmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    child.kill('SIGINT')
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(130)
    expect(stderr).toContain('interrupted')
    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    expect((await readdir(root)).sort()).toEqual(['.marp-site-cache', 'dist', 'slides'])
  })
})

it('subjects the CLI to file permissions even when the tests run as root', async () => {
  // Guards the helper above: without it, the permission tests could pass for the wrong reason.
  const root = await project({ 'locked.txt': 'x' })
  await chmod(path.join(root, 'locked.txt'), 0o000)
  const argv = [...(isRoot ? WITHOUT_ROOT_OVERRIDE : []), process.execPath, '-e', 'require("fs").readFileSync(process.argv[1])', path.join(root, 'locked.txt')]
  const [command = '', ...rest] = argv
  const child = spawnSync(command, rest, { encoding: 'utf8' })
  expect(child.stderr).toContain('EACCES')
})

describe('dev under faults', () => {
  it('reports a deck that becomes unreadable while dev runs, keeps its last good page, and recovers', async () => {
    const root = await project({ 'slides/talk.md': '# Talk v1', 'slides/other.md': '# Other' })
    const dev = await devProcess(root, { permissions: true })
    try {
      await dev.waitFor(async () => (await dev.page('/talk/index.html')).includes('Talk v1'), 'the first build')
      await chmod(path.join(root, 'slides/talk.md'), 0o000)
      await dev.waitFor(() => dev.output().includes('slides/talk.md') && dev.output().includes('permission denied'), 'the read error in the terminal')
      expect(await dev.page('/talk/index.html')).toMatch(/^200 [\s\S]*Talk v1/)
      expect(await dev.page('/other/index.html')).toMatch(/^200 /)
      await chmod(path.join(root, 'slides/talk.md'), 0o644)
      await writeFile(path.join(root, 'slides/talk.md'), '# Talk v2')
      await dev.waitFor(async () => (await dev.page('/talk/index.html')).includes('Talk v2'), 'the fixed deck')
    } finally {
      await dev.stop()
    }
  })

  it('runs with more files than the open-file limit (ulimit -n 256, 5,000 files) and still follows saves', async () => {
    const files: Record<string, string> = { 'slides/talk.md': '# Talk v1\n\n![a dot](images/f1.svg)' }
    for (let i = 1; i <= 5000; i += 1) files[`slides/images/f${i}.svg`] = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    const root = await project(files)
    const dev = await devProcess(root, { shell: 'ulimit -n 256' })
    try {
      await dev.waitFor(async () => (await dev.page('/talk/index.html')).includes('Talk v1'), 'the first build')
      await writeFile(path.join(root, 'slides/talk.md'), '# Talk v2\n\n![a dot](images/f1.svg)')
      await dev.waitFor(async () => (await dev.page('/talk/index.html')).includes('Talk v2'), 'the rebuild after a save')
      expect(dev.output()).not.toMatch(/EMFILE.*\n.*EMFILE/)
    } finally {
      const code = await dev.stop()
      expect(code).toBe(0)
    }
  })
})

/** `marp-site dev` as a child process on a free port, optionally subject to file permissions or shell limits. */
async function devProcess(root: string, options: CliOptions) {
  const port = await freePort()
  const [command, ...rest] = cliCommand(['dev', root, '--port', String(port)], options)
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    port,
    output: () => output,
    async page(p: string): Promise<string> {
      const res = await fetch(`http://127.0.0.1:${port}${p}`).catch(() => undefined)
      return res ? `${res.status} ${await res.text()}` : ''
    },
    async waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
      const deadline = Date.now() + 30_000
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async stop(): Promise<number | null> {
      child.kill('SIGINT')
      return exited
    },
  }
}

describe('dev under load', () => {
  it('answers 200 concurrent requests while 1,000 idle connections and a slow client hang on', async () => {
    const root = await project({ 'slides/talk.md': '# Talk' })
    const dev = await devProcess(root, { shell: 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || true' })
    await dev.waitFor(async () => (await dev.page('/talk/index.html')).includes('Talk'), 'the first build')
    // The idle connections come from a helper process of their own, so this test needs no more file handles.
    const holder = spawn(
      'bash',
      ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; exec "$0" "$@"', process.execPath, '-e', HOLD_CONNECTIONS, String(dev.port), '1000'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    try {
      const held = await new Promise<string>((resolve) => holder.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())))
      expect(held).toBe('holding 1000')
      const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => dev.page(i % 2 === 0 ? '/talk/index.html' : '/')))
      expect(responses.filter((r) => r.startsWith('200 ')).length).toBe(200)
    } finally {
      holder.stdin.end()
      await new Promise((r) => holder.once('exit', r))
      expect(await dev.stop()).toBe(0)
    }
  })
})

/** Opens N connections to 127.0.0.1:port (one of them a slow client sending a request a byte at a time), prints "holding N", and holds them until stdin ends. */
const HOLD_CONNECTIONS = `
const net = require('node:net')
const [port, count] = process.argv.slice(1).map(Number)
const sockets = []
let open = 0
for (let i = 0; i < count; i += 1) {
  const s = net.connect(port, '127.0.0.1', () => {
    open += 1
    if (open === count) process.stdout.write('holding ' + open + '\\n')
  })
  s.on('error', () => {})
  sockets.push(s)
}
const slow = net.connect(port, '127.0.0.1')
slow.on('error', () => {})
const request = 'GET / HTTP/1.1\\r\\nHost: 127.0.0.1:' + port + '\\r\\n'
let at = 0
const drip = setInterval(() => { if (at < request.length) slow.write(request[at++]) }, 200)
process.stdin.on('data', () => {})
process.stdin.on('end', () => { clearInterval(drip); for (const s of [...sockets, slow]) s.destroy(); process.exit(0) })
`
