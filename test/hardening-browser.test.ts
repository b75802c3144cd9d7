import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { chmod, readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../src/errors.js'
import { chromiumPath } from './helpers/browser.js'
import { buildProject, project, readManifest, REPO } from './helpers/project.js'

const BIN = path.join(REPO, 'bin/marp-site.js')
const CHROME = chromiumPath()

/** Parent of every process now running, from /proc (pid → ppid). */
function parents(): Map<number, number> {
  const map = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // The command name (in parentheses) may hold spaces: the fields after its closing one are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      map.set(Number(name), ppid)
    } catch {
      // The process ended while the list was read: it is no one's descendant any more.
    }
  }
  return map
}

/** Every process descended from `root`, now. */
function descendants(root: number): number[] {
  const map = parents()
  const found: number[] = []
  let frontier = [root]
  while (frontier.length > 0) {
    const next: number[] = []
    for (const [pid, ppid] of map) if (frontier.includes(ppid)) next.push(pid)
    found.push(...next)
    frontier = next
  }
  return found
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return undefined // gone
  }
}

/** A browser process: a Chromium process with one of marp-site's profiles. */
interface Seen {
  readonly pid: number
  readonly cmd: string
}

/** The Chromium processes descended from `root` now (marp-site's profiles only). */
function browsersUnder(root: number): Seen[] {
  return descendants(root)
    .map((pid) => ({ pid, cmd: commandLine(pid) ?? '' }))
    .filter((p) => /--user-data-dir=\S*marp-site-(pdf|check-browser)-/.test(p.cmd))
}

/** The processes of `seen` still running (the same pid with the same command line: not a reused pid). */
function stillRunning(seen: readonly Seen[]): Seen[] {
  return seen.filter((p) => commandLine(p.pid) === p.cmd)
}

function profilesOf(seen: readonly Seen[]): string[] {
  return [...new Set(seen.map((p) => /--user-data-dir=(\S+)/.exec(p.cmd)?.[1]).filter((d): d is string => d !== undefined))]
}

/** TCP ports listened on by any of the pids (from `ss -ltnp`, which names the owner of each socket). */
function listeningPorts(pids: readonly number[]): string[] {
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
  return out.split('\n').filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)))
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Processes a test started, killed by pid when it ends, whatever happened. */
const started: ChildProcess[] = []
const browsersSeen: Seen[] = []
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const p of stillRunning(browsersSeen.splice(0))) process.kill(p.pid, 'SIGKILL')
})

function cli(args: string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', CHROME_PATH: CHROME },
  })
  started.push(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  child.stdout?.resume()
  return { child, stderr: () => stderr }
}

/** A project of decks that take a moment each to print. */
async function decks(count: number, extra: Record<string, string> = {}): Promise<string> {
  const files: Record<string, string> = { ...extra }
  for (let i = 1; i <= count; i += 1) files[`slides/d${i}.md`] = `# Deck ${i}\n\n---\n\n## Second\n\n$$\nx^${i}\n$$\n\n---\n\n## Third`
  return project(files)
}

describe('a build killed while printing leaves no browser behind', () => {
  for (const signal of ['SIGKILL', 'SIGHUP'] as const) {
    it(`${signal}: the browser dies with the build, had no TCP port, and its profile does not outlive it`, async () => {
      const root = await decks(8)
      const { child, stderr } = cli(['build', root, '--pdf'])
      const exited = once(child, 'exit')
      // Every browser process seen while it printed (the build may restart its browser).
      const seen = new Map<number, Seen>()
      const watch = setInterval(() => {
        for (const p of browsersUnder(child.pid ?? 0)) seen.set(p.pid, p)
      }, 50)
      try {
        await waitFor('printing to start', () => /PDF 1\/8/.test(stderr()))
        for (const p of browsersUnder(child.pid ?? 0)) seen.set(p.pid, p)
      } finally {
        clearInterval(watch)
      }
      const browsers = [...seen.values()]
      browsersSeen.push(...browsers)
      expect(browsers.length).toBeGreaterThan(0)
      // Driven over a pipe: nothing on this machine can connect to it.
      expect(listeningPorts(stillRunning(browsers).map((p) => p.pid))).toEqual([])
      child.kill(signal)
      const [code] = await exited
      if (signal === 'SIGHUP') expect(code).toBe(129)
      await waitFor('the browser to exit', () => stillRunning(browsers).length === 0, 5000)
      const profiles = profilesOf(browsers)
      expect(profiles.length).toBeGreaterThan(0)
      // The next build sweeps what a killed one could not remove.
      const next = cli(['build', root, '--no-pdf'])
      expect((await once(next.child, 'exit'))[0]).toBe(0)
      expect(profiles.filter((dir) => existsSync(dir))).toEqual([])
    })
  }
})

describe('faults while printing', () => {
  it('a PDF that cannot be written stops the build with an IO error and one line, keeping the previous site', async () => {
    // The deck's image is copied to z/z.pdf/x.svg, so its PDF's place (z/z.pdf) is a folder: the write
    // fails with EISDIR. (Discover cannot see this one: asset paths are known only after rendering.)
    const root = await decks(3, {
      'slides/z.md': '# Z\n\n![a square](z.pdf/x.svg)\n',
      'slides/z.pdf/x.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    })
    const first = cli(['build', root, '--no-pdf'])
    expect((await once(first.child, 'exit'))[0]).toBe(0)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    const { child, stderr } = cli(['build', root, '--pdf'])
    const seen = new Map<number, Seen>()
    const watch = setInterval(() => {
      for (const p of browsersUnder(child.pid ?? 0)) seen.set(p.pid, p)
    }, 50)
    const [code] = await once(child, 'exit')
    clearInterval(watch)
    browsersSeen.push(...seen.values())
    expect(stderr()).not.toMatch(/^\s+at /m)
    expect(stderr()).toMatch(/^marp-site: Cannot write .*\.pdf.*: /m)
    expect(code).toBe(EXIT_CODES.IO)
    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    expect((await readdir(root)).filter((name) => name.includes('.tmp'))).toEqual([])
    expect(profilesOf([...seen.values()]).filter((dir) => existsSync(dir))).toEqual([])
  })

  it('starts the browser again after each of two crashes, and retries a deck whose renderer was killed', async () => {
    const root = await decks(8, { 'marp-site.config.json': '{ "pdf": { "timeout": 20 } }' })
    const killed: string[] = []
    const kill = (what: 'browser' | 'renderer') => {
      const browsers = browsersUnder(process.pid)
      browsersSeen.push(...browsers)
      const targets = browsers.filter((p) => (what === 'browser' ? !p.cmd.includes('--type=') : p.cmd.includes('--type=renderer')))
      for (const p of targets) process.kill(p.pid, 'SIGKILL')
      if (targets.length > 0) killed.push(what)
    }
    const result = await buildProject(
      root,
      { pdf: true },
      {
        onProgress: ({ phase, done }) => {
          if (phase !== 'pdf') return
          if (done === 1 || done === 3) kill('browser')
          if (done === 5) kill('renderer')
        },
      },
    )
    expect(killed).toEqual(['browser', 'browser', 'renderer'])
    expect(result.problems).toEqual([])
    expect((await readManifest(root)).decks.every((d) => d.pdf !== null)).toBe(true)
  })

  it('blocks a WebSocket to a local listener while printing, and reports it', async () => {
    let connections = 0
    const listener = createServer((socket) => {
      connections += 1
      socket.destroy()
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    const port = (listener.address() as { port: number }).port
    try {
      const root = await project({
        'slides/ws.md': `# Socket\n\n<script>new WebSocket('ws://127.0.0.1:${port}/spy')</script>`,
        'marp-site.config.json': '{ "marp": { "html": true } }',
      })
      const result = await buildProject(root, { pdf: true })
      expect(connections).toBe(0)
      expect(result.problems).toEqual([
        expect.objectContaining({ file: 'slides/ws.md', rule: 'external-request', message: expect.stringContaining(`ws://127.0.0.1:${port}/spy`) }),
      ])
      expect((await readManifest(root)).decks[0]?.pdf).not.toBeNull()
    } finally {
      listener.close()
    }
  })

  it('says what a browser that is not Chromium did, instead of [object Object]', async () => {
    const root = await project({
      'slides/a.md': '# A',
      // Looks like a browser starting for a moment, then leaves.
      'fake-chromium': '#!/bin/sh\necho "DevTools listening on ws://127.0.0.1:1/devtools/browser/x" >&2\necho "I am not Chromium" >&2\nsleep 1\nexit 3\n',
    })
    await chmod(path.join(root, 'fake-chromium'), 0o755)
    const { child, stderr } = cli(['build', root, '--pdf', '--browser-path', path.join(root, 'fake-chromium')])
    const [code] = await once(child, 'exit')
    expect(code).toBe(EXIT_CODES.PROBLEMS)
    expect(stderr()).not.toContain('[object')
    expect(stderr()).toMatch(/PDF not made: the browser did not start \(.*fake-chromium exited \(code 3\) as it started: .*I am not Chromium\)/)
  })
})
