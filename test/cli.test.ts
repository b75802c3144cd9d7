import { spawnSync } from 'node:child_process'
import { readFile, rm, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startThreadsEarly } from '../src/cli/early.js'
import { main } from '../src/cli/main.js'
import { EXIT_CODES } from '../src/errors.js'
import { project, readManifest, REPO, runCli, unbuildable } from './helpers/project.js'

const run = runCli

describe('the marp-site command', () => {
  it('prints help and version', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: marp-site')
    expect(help.stdout).toContain('build')
    const buildHelp = await run(['build', '--help'])
    for (const flag of ['--config', '--slides', '--themes', '--templates', '--out', '--pdf', '--no-pdf']) expect(buildHelp.stdout).toContain(flag)
    const version = await run(['--version'])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('gives a usage error with a hint for an unknown flag or command', async () => {
    const flag = await run(['build', '--outt', 'x'])
    expect(flag.code).toBe(EXIT_CODES.USAGE)
    expect(flag.stderr).toContain("unknown option '--outt'")
    expect(flag.stderr).toContain('--out')
    const command = await run(['biuld'])
    expect(command.code).toBe(EXIT_CODES.USAGE)
    expect(command.stderr).toContain('build')
  })

  it('builds and prints a one-line summary: decks, slides, problems, time', async () => {
    const root = await project({ 'slides/a.md': '# A\n\n---\n\n# B', 'slides/b.md': '# C' })
    const result = await run(['build', '--no-pdf', root])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Built 2 decks, 3 slides → .*dist in \d+\.\d\d s \(no problems\)\n$/)
    expect(result.stderr).toBe('')
    expect((await readManifest(root)).decks).toHaveLength(2)
  })

  it('says when nothing changed, counts decks taken from the cache, and renders everything with --no-cache', async () => {
    const root = await project({ 'slides/a.md': '# A', 'slides/b.md': '# B' })
    expect((await run(['build', '--no-pdf', root])).stdout).toMatch(/^Built 2 decks, 2 slides/)
    const again = await run(['build', '--no-pdf', root])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^Up to date: nothing changed since the last build; 2 decks, 2 slides in /)
    await writeFile(path.join(root, 'slides/b.md'), '# B, edited')
    expect((await run(['build', '--no-pdf', root])).stdout).toMatch(/^Built 2 decks \(1 rendered, 1 from the cache\), 2 slides/)
    expect((await run(['build', '--no-pdf', '--no-cache', root])).stdout).toMatch(/^Built 2 decks, 2 slides/)
  })

  it('exits 1 when a deck has errors, listing each with file:line, and still builds the rest', async () => {
    const root = await project({ 'slides/good.md': '# Good', 'slides/bad.md': '# Bad\n\n![gone](gone.png)\n', 'slides/empty.md': '' })
    const result = await run(['build', '--no-pdf', root])
    expect(result.code).toBe(EXIT_CODES.PROBLEMS)
    expect(result.stderr).toContain('slides/bad.md:3  error    image gone.png (slides/gone.png) not found  missing-asset')
    expect(result.stderr).toContain('slides/empty.md  warning  has no content; built, but not listed on the index  empty-slide')
    expect(result.stdout).toContain('1 error, 1 warning')
    expect((await readManifest(root)).decks).toHaveLength(3)
  })

  it('words the summary plainly when decks fail, and says what a failed deck kept', async () => {
    const root = await project({ 'slides/good.md': '# Good', 'slides/talk.md': '# Talk' })
    await run(['build', '--no-pdf', root])
    await writeFile(path.join(root, 'slides/talk.md'), unbuildable('# Talk'))
    const result = await run(['build', '--no-pdf', root])
    expect(result.code).toBe(EXIT_CODES.PROBLEMS)
    // The good deck comes from the cache: the broken one fails as it is read, before anything renders.
    expect(result.stdout).toMatch(
      /^Built 1 deck \(0 rendered, 1 from the cache\), 1 slide, 1 deck that failed keeps its page from the previous build → .* \(1 error, 0 warnings\)/,
    )
  })

  it("lists in each command's help only the flags that apply to it, and still accepts the others", async () => {
    const dev = (await run(['dev', '--help'])).stdout
    expect(dev).not.toMatch(/--pdf|--no-pdf|--browser-path/)
    expect(dev).toContain('folder the site is built into and served from')
    const check = (await run(['check', '--help'])).stdout
    expect(check).not.toMatch(/--pdf|--no-pdf|--out|replaced on every build/)
    expect(check).toContain('--browser-path')
    expect((await run(['build', '--help'])).stdout).toMatch(/--no-pdf[\s\S]*--browser-path/)
    // A habit from build does not fail check.
    const root = await project({ 'slides/a.md': '# A' })
    expect((await run(['check', root, '--no-pdf', '--format', 'json'])).code).toBe(0)
  })

  it("answers marp-cli's habit of naming one deck with how marp-site does it", async () => {
    const result = await run(['slides/talk.md'])
    expect(result.code).toBe(EXIT_CODES.USAGE)
    expect(result.stderr).toContain('run `marp-site build`')
    expect(result.stderr).toContain('in the project around it')
  })

  it('exits 0 with warnings only', async () => {
    const root = await project({ 'slides/empty.md': '' })
    expect((await run(['build', '--no-pdf', root])).code).toBe(0)
  })

  it('maps config errors to their exit code with a one-line reason', async () => {
    const root = await project({ 'slides/a.md': '# a', 'marp-site.config.json': '{"zzyzx": 1}' })
    const result = await run(['build', '--no-pdf', root])
    expect(result.code).toBe(EXIT_CODES.CONFIG)
    expect(result.stderr).toBe('marp-site: Invalid config in marp-site.config.json: unknown key "zzyzx"\n')
  })

  it('resolves the root and dirs against the working directory', async () => {
    const root = await project({ 'decks/a.md': '# a' })
    const result = await run(['build', '--no-pdf', '--slides', 'decks', '--out', 'public'], root)
    expect(result.code).toBe(0)
    expect((await readManifest(root, 'public')).decks[0]?.source).toBe('decks/a.md')
  })

  it('works as a real process: bin, exit code and no colour without a TTY', async () => {
    const root = await project({ 'slides/a.md': '# a', 'slides/b.md': '![](missing.png)' })
    const child = spawnSync(process.execPath, [path.join(REPO, 'bin/marp-site.js'), 'build', '--no-pdf', root], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: undefined },
    })
    expect(child.status).toBe(EXIT_CODES.PROBLEMS)
    expect(child.stderr).toContain('slides/b.md:1')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI escape is what must be absent
    expect(child.stdout + child.stderr).not.toMatch(/\x1b\[/)
  })

  it('run from a subfolder without [root], builds the project around it and says which root it used', async () => {
    const root = await project({ 'package.json': '{ "name": "talks", "private": true }', 'slides/a.md': '# A', 'slides/deep/b.md': '# B' })
    const fromSlides = await run(['build', '--no-pdf'], path.join(root, 'slides', 'deep'))
    expect(fromSlides.code).toBe(0)
    expect(fromSlides.stderr).toContain(`project root ${root}`)
    expect((await readManifest(root)).decks.map((d) => d.slug)).toEqual(['a', 'deep/b'])
    // From the root itself, nothing to say; an explicit root is taken as given.
    const fromRoot = await run(['build', '--no-pdf'], root)
    expect(fromRoot.stderr).not.toContain('project root')
    // Folders given as flags are where the user points from where they are, as the README says.
    expect((await run(['build', '--no-pdf', '--out', '../public'], path.join(root, 'slides'))).code).toBe(0)
    expect((await readManifest(root, 'public')).decks).toHaveLength(2)
    expect((await run(['build', '--no-pdf', 'slides'], root)).stderr).toMatch(/Slides dir not found/)
  })

  it('shows cache decisions on DEBUG=marp-site:* (or one channel), and nothing of them without it', async () => {
    const root = await project({ 'slides/a.md': '# A' })
    const build = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [path.join(REPO, 'bin/marp-site.js'), 'build', '--no-pdf', root], {
        encoding: 'utf8',
        env: { ...process.env, DEBUG: undefined, ...env },
      })
    const first = build({ DEBUG: 'marp-site:*' })
    expect(first.status).toBe(0)
    expect(first.stderr).toMatch(/marp-site:cache .*no up-to-date stamp for /)
    expect(first.stderr).toMatch(/marp-site:cache slides\/a\.md: render \w+ not cached/)
    const second = build({ DEBUG: 'marp-site:cache' })
    expect(second.stderr).toMatch(/marp-site:cache .*: up to date/)
    // One channel only: the others stay quiet.
    expect(second.stderr).not.toMatch(/marp-site:(write|render|browser|pdf|dev|discover)/)
    await rm(path.join(root, 'dist', 'a'), { recursive: true })
    expect(build({}).stderr).not.toContain('marp-site:')
  })

  it('dev prints a problem when it appears, not again on every rebuild, and again if it comes back', async () => {
    const root = await project({ 'slides/a.md': '# A\n\n![](pic.png)', 'slides/pic.png': 'x', 'slides/b.md': '# B' })
    let stdout = ''
    let stderr = ''
    const controller = new AbortController()
    const running = main(['dev', root], {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      cwd: root,
      color: false,
      signal: controller.signal,
    })
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 300 && !check(); i += 1) await new Promise((r) => setTimeout(r, 50))
      expect(check()).toBe(true)
    }
    const rebuilds = () => stdout.split('\n').filter((line) => line.includes('pages updated')).length
    const missingAlt = () => stderr.split('\n').filter((line) => line.includes('missing-alt')).length
    try {
      await until(() => stdout.includes('serving'))
      expect(missingAlt()).toBe(1)
      await writeFile(path.join(root, 'slides/b.md'), '# B, edited')
      await until(() => rebuilds() === 1)
      expect(missingAlt()).toBe(1)
      expect(stdout).toMatch(/pages updated in \d+ ms \(0 errors, 1 warning\)/)
      // Fixed, then broken again: shown again.
      await writeFile(path.join(root, 'slides/a.md'), '# A\n\n![a picture](pic.png)')
      await until(() => rebuilds() === 2)
      await writeFile(path.join(root, 'slides/a.md'), '# A\n\n![](pic.png)')
      await until(() => rebuilds() === 3)
      expect(missingAlt()).toBe(2)
    } finally {
      controller.abort()
      expect(await running).toBe(0)
    }
  })

  it('starts render threads early for dev, a first build, and a build after a deck was saved, not for an up-to-date project', async () => {
    const root = await project({ 'slides/a.md': '# Alpha', 'slides/talks/b.md': '# Bravo' })
    expect(startThreadsEarly(['dev', root])).toBe(true)
    expect(startThreadsEarly(['--help'])).toBe(false)
    // Never built: no stamp in the build cache.
    expect(startThreadsEarly(['build', root])).toBe(true)
    expect((await run(['build', root, '--no-pdf'])).code).toBe(0)
    expect(startThreadsEarly(['build', root])).toBe(false)
    expect(startThreadsEarly(['check', root])).toBe(false)
    expect(startThreadsEarly(['build', root, '--no-cache'])).toBe(true)
    // A deck saved after the build (a nested one too) will render: its thread starts at once.
    const later = new Date(Date.now() + 5000)
    await utimes(path.join(root, 'slides/talks/b.md'), later, later)
    expect(startThreadsEarly(['build', root])).toBe(true)
    expect(startThreadsEarly(['check', root])).toBe(true)
  })

  it('as a process, builds a project the first time (render threads started early) and finds it up to date the next', async () => {
    const root = await project({ 'slides/a.md': '# Alpha', 'slides/b.md': '# Bravo\n\n$x^2$' })
    const run = () => spawnSync(process.execPath, [path.join(REPO, 'bin/marp-site.js'), 'build', root, '--no-pdf'], { encoding: 'utf8', timeout: 60_000 })
    const first = run()
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(/^Built 2 decks/m)
    expect(await readFile(path.join(root, 'dist/b/index.html'), 'utf8')).toContain('<mjx-container')
    const second = run()
    expect(second.status).toBe(0)
    expect(second.stdout).toMatch(/^Up to date/m)
  })
})
