import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../src/errors.js'
import { buildProject, project, readManifest, REPO } from './helpers/project.js'

const BIN = path.join(REPO, 'bin/marp-site.js')
const isRoot = process.getuid?.() === 0
const NOBODY = 65534

/**
 * Runs the real CLI. As root, permissions do not stop reads, so the child runs as `nobody` to meet
 * a permission error for real.
 */
function cli(args: string[], options: { unprivileged?: boolean; shell?: string } = {}): SpawnSyncReturns<string> {
  const asNobody = options.unprivileged === true && isRoot
  const command = options.shell ? 'bash' : process.execPath
  const argv = options.shell ? ['-c', `${options.shell}; exec "$0" "$@"`, process.execPath, BIN, ...args] : [BIN, ...args]
  return spawnSync(command, argv, { encoding: 'utf8', ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}), env: { ...process.env, NO_COLOR: '1' } })
}

async function openUp(root: string): Promise<void> {
  // Let the unprivileged child read the project and write next to it.
  await chmod(root, 0o777)
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name)
    await chmod(full, entry.isDirectory() ? 0o777 : 0o666)
  }
}

describe('filesystem faults', () => {
  it('reports an unreadable deck and builds the others', async () => {
    const root = await project({ 'slides/good.md': '# Good', 'slides/secret.md': '# Secret' })
    await openUp(root)
    await chmod(path.join(root, 'slides/secret.md'), 0o000)
    const result = cli(['build', root], { unprivileged: true })
    expect(result.stderr).toContain('slides/secret.md  error    cannot be read: permission denied  read-error')
    expect(result.status).toBe(EXIT_CODES.PROBLEMS)
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['good'])
  })

  it('fails with the path and reason when a write fails (file size limit), keeping the previous site', async () => {
    const root = await project({}, 'site')
    await buildProject(root)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    await writeFile(path.join(root, 'slides/intro.md'), '# Changed')
    // RLIMIT_FSIZE makes any write past 16 KB fail with EFBIG: a disk that fills up mid-build.
    const result = cli(['build', root], { shell: 'trap "" XFSZ; ulimit -f 16' })
    expect(result.status).toBe(EXIT_CODES.IO)
    expect(result.stderr).toMatch(/^marp-site: Cannot (write|copy) .*dist.*: /m)
    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    expect((await readdir(root)).sort()).toEqual(['assets', 'dist', 'slides'])
  })

  it('fails clearly when the out dir cannot be created (read-only parent)', async () => {
    const root = await project({ 'slides/a.md': '# a' })
    await openUp(root)
    await chmod(root, 0o555)
    const result = cli(['build', root], { unprivileged: true })
    expect(result.status).toBe(EXIT_CODES.IO)
    expect(result.stderr).toMatch(/^marp-site: Cannot create .*: permission denied/m)
    await chmod(root, 0o755)
  })

  it('leaves the previous site whole after kill -9 mid-build, and the next build cleans up', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 120; i += 1) files[`slides/deck-${String(i).padStart(3, '0')}.md`] = `# Deck ${i}\n\n${'- item\n'.repeat(40)}\n---\n\n## Two\n\n$x^${i}$`
    const root = await project(files)
    await buildProject(root)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    await writeFile(path.join(root, 'slides/deck-000.md'), '# Changed')

    const child = spawn(process.execPath, [BIN, 'build', root], { stdio: 'ignore' })
    // Kill it once it is writing its staging folder.
    const deadline = Date.now() + 20_000
    while (!(await readdir(root)).some((n) => n.includes('marp-site-tmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))

    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    await buildProject(root)
    expect((await readdir(root)).sort()).toEqual(['dist', 'slides'])
    expect((await readManifest(root)).decks).toHaveLength(120)
  })

  it('stops on Ctrl-C (SIGINT) with exit 130 and the previous site intact', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 120; i += 1) files[`slides/d${i}.md`] = `# Deck ${i}\n\n${'text '.repeat(400)}`
    const root = await project(files)
    await buildProject(root)
    const before = await readFile(path.join(root, 'dist/manifest.json'), 'utf8')
    await writeFile(path.join(root, 'slides/d0.md'), '# Changed')
    const child = spawn(process.execPath, [BIN, 'build', root], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const deadline = Date.now() + 20_000
    while (!(await readdir(root)).some((n) => n.includes('marp-site-tmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    child.kill('SIGINT')
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(130)
    expect(stderr).toContain('interrupted')
    expect(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).toBe(before)
    expect((await readdir(root)).sort()).toEqual(['dist', 'slides'])
  })
})

it('runs the CLI as an unprivileged user when the tests run as root', () => {
  // Guards the helper above: without it, the permission tests would pass vacuously as root.
  const who = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.getuid()))'], { encoding: 'utf8', ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}) })
  expect(who.stdout).not.toBe('0')
})
