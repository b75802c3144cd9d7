import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { configKeysAt } from '../src/config/schema.js'
import { configFile } from '../src/init/files.js'
import { INIT_PATHS, nextSteps, packageName, planInit, type FolderState } from '../src/init/plan.js'
import { ourBrowsers, privateTmpdir } from './helpers/browser.js'
import { exists, REPO, runCli, tempDir } from './helpers/project.js'

const TMP = privateTmpdir()

afterAll(async () => {
  expect(ourBrowsers('marp-site-')).toEqual([])
  await rm(TMP, { recursive: true, force: true })
})

const run = runCli

const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8')

describe('marp-site init', { timeout: 120_000 }, () => {
  it('scaffolds a site in a new folder that builds with PDFs (exit 0), checks clean (exit 0) and leaves git nothing of the build', async () => {
    const parent = await tempDir()
    const made = await run(['init', 'talks'], parent)
    expect(made.code).toBe(0)
    const dir = path.join(parent, 'talks')
    for (const file of INIT_PATHS) {
      expect(await exists(path.join(dir, file)), file).toBe(true)
      expect(made.stdout).toContain(`  ${file}\n`)
    }
    expect(made.stdout).toContain('cd talks\n')
    expect(made.stdout).toContain('npm install')
    expect(made.stdout).toContain('npm run dev')
    expect(made.stdout).not.toContain('Skipped')

    // The theme to edit is ours, under its own name, so it replaces the built-in one.
    expect(await read(dir, 'themes/marp-site.css')).toContain(await readFile(path.join(REPO, 'themes', 'marp-site.css'), 'utf8'))
    const pkg = JSON.parse(await read(dir, 'package.json')) as { name: string; scripts: Record<string, string>; devDependencies: Record<string, string> }
    expect(pkg.name).toBe('talks')
    expect(pkg.scripts).toEqual({ build: 'marp-site build', dev: 'marp-site dev', check: 'marp-site check' })
    expect(Object.keys(pkg.devDependencies)).toEqual(['marp-site'])

    const built = await run(['build', '--pdf'], dir)
    expect(built.stderr).not.toContain('warning')
    expect(built.code).toBe(0)
    expect(await exists(path.join(dir, 'dist', 'welcome', 'index.html'))).toBe(true)
    expect(await exists(path.join(dir, 'dist', 'welcome', 'welcome.pdf'))).toBe(true)

    const checked = await run(['check', '--format', 'json'], dir)
    expect(JSON.parse(checked.stdout)).toEqual({ problems: [] })
    expect(checked.code).toBe(0)

    // .gitignore: the site and the cache (no node_modules here, so .marp-site-cache/) stay out of git.
    expect(existsSync(path.join(dir, '.marp-site-cache', 'sites'))).toBe(true)
    execFileSync('git', ['init', '-q'], { cwd: dir })
    const untracked = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' })
    expect(untracked.split('\n').filter(Boolean).sort()).toEqual(INIT_PATHS.map((file) => `?? ${file}`).sort())
  })

  it('overwrites nothing when run again: a modified file survives, and it says what it skipped', async () => {
    const dir = await tempDir()
    expect((await run(['init'], dir)).code).toBe(0)
    await writeFile(path.join(dir, 'slides', 'welcome.md'), '# Mine\n')
    await writeFile(path.join(dir, '.gitignore'), 'out/\n')
    const before = await Promise.all(INIT_PATHS.map((file) => read(dir, file)))

    const again = await run(['init', '.'], dir)
    expect(again.code).toBe(0)
    expect(await Promise.all(INIT_PATHS.map((file) => read(dir, file)))).toEqual(before)
    expect(again.stdout).toContain('Nothing to create here')
    for (const file of INIT_PATHS) expect(again.stdout).toContain(`  ${file}  (already there)`)
    // What the kept .gitignore lacks is said, not written.
    expect(again.stdout).toContain('add to .gitignore: dist/ node_modules/ .marp-site-cache/')
  })

  it('fits an existing repository: keeps its package.json and decks, adds no second config, and says what to add', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'slides'))
    await writeFile(path.join(dir, 'slides', 'talk.md'), '# My talk\n')
    await writeFile(path.join(dir, 'package.json'), '{ "name": "mine", "scripts": { "build": "marp-site build" } }\n')
    await writeFile(path.join(dir, 'marp-site.config.json'), '{ "title": "Mine" }\n')

    const made = await run(['init'], dir)
    expect(made.code).toBe(0)
    expect(await read(dir, 'package.json')).toBe('{ "name": "mine", "scripts": { "build": "marp-site build" } }\n')
    expect(await exists(path.join(dir, 'slides', 'welcome.md'))).toBe(false)
    expect(await exists(path.join(dir, 'marp-site.config.mjs'))).toBe(false)
    expect(made.stdout).toContain('slides/welcome.md  (slides/ already has decks)')
    expect(made.stdout).toContain('marp-site.config.mjs  (the config is in marp-site.config.json)')
    expect(made.stdout).toContain('npm install -D marp-site')
    expect(made.stdout).toContain('add to the "scripts" of package.json: "dev": "marp-site dev", "check": "marp-site check"')

    // One config file, so the build reads it.
    const built = await run(['build', '--no-pdf'], dir)
    expect(built.code).toBe(0)
    expect(await read(dir, 'dist/index.html')).toContain('Mine')
  })

  it('refuses a target that is a file', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'file'), 'x')
    const result = await run(['init', 'file'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('file is not a folder')
  })
})

describe('the scaffold', () => {
  it('has a config that names every key of the config schema', () => {
    const text = configFile()
    const named = new Set([...text.matchAll(/(?:^\s*(?:\/\/\s*)?|[{,]\s*)'?([\w-]+)'?\s*:/gm)].map((m) => m[1]))
    const keys = (at: string[]): string[] => configKeysAt(at).flatMap((key) => [[...at, key].join('.'), ...keys([...at, key])])
    const missing = keys([]).filter((key) => !named.has(key.split('.').at(-1)))
    expect(missing).toEqual([])
    expect(keys([])).toContain('pdf.notes')
  })

  it('has a Pages workflow that installs Chromium, builds with it and deploys dist/', async () => {
    const dir = await tempDir()
    await run(['init'], dir)
    type Step = { uses?: string; run?: string; with?: Record<string, unknown> }
    const workflow = parse(await read(dir, '.github/workflows/pages.yml')) as {
      on: { push: { branches: string[] } }
      permissions: Record<string, string>
      jobs: Record<string, { needs?: string; env?: Record<string, string>; steps: Step[]; environment?: { name: string } }>
    }
    expect(workflow.on.push.branches).toEqual(['main'])
    expect(workflow.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' })
    const build = workflow.jobs['build']
    const deploy = workflow.jobs['deploy']
    if (!build || !deploy) throw new Error('a build and a deploy job')
    const runs = build.steps.map((s) => s.run ?? '')
    const at = (match: (s: Step) => boolean) => build.steps.findIndex(match)
    const chromium = at((s) => /apt-get install -y chromium\b/.test(s.run ?? ''))
    const ci = at((s) => s.run === 'npm ci')
    const site = at((s) => /marp-site build/.test(s.run ?? ''))
    const upload = at((s) => s.uses?.startsWith('actions/upload-pages-artifact@') === true)
    expect(
      [chromium, ci, site, upload].every((i) => i >= 0),
      runs.join(' | '),
    ).toBe(true)
    expect(chromium < site && ci < site && site < upload).toBe(true)
    expect(build.env?.['CHROME_PATH']).toBe('/usr/bin/chromium')
    expect(build.steps[upload]?.with?.['path']).toBe('dist')
    expect(deploy.needs).toBe('build')
    expect(deploy.environment?.name).toBe('github-pages')
    expect(deploy.steps.some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true)
  })

  it('plans no file that is already there, and names a package after its folder', () => {
    const state: FolderState = { name: 'My Talks!', existing: new Set(['.gitignore']), config: undefined, hasDecks: false }
    const plan = planInit(state, { themeCss: '/* @theme marp-site */', version: '1.2.3' })
    expect(plan.files.map((f) => f.path)).toEqual(INIT_PATHS.filter((file) => file !== '.gitignore'))
    expect(plan.skipped).toEqual([{ path: '.gitignore', reason: 'already there' }])
    expect(JSON.parse(plan.files.find((f) => f.path === 'package.json')?.content ?? '{}')).toMatchObject({
      name: 'my-talks',
      devDependencies: { 'marp-site': '^1.2.3' },
    })
    expect(nextSteps('.', plan, { ...state, gitignore: 'dist/\n/node_modules\n' })).toContain('add to .gitignore: .marp-site-cache/')
    expect([packageName('.hidden'), packageName('node_modules'), packageName('Ünïcode')]).toEqual(['hidden', 'slides', 'n-code'])
  })
})
