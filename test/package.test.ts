import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { chromiumPath, ourBrowsers, privateTmpdir } from './helpers/browser.js'
import { REPO, tempDir } from './helpers/project.js'

const TMP = privateTmpdir()

afterAll(async () => {
  expect(ourBrowsers('marp-site-')).toEqual([])
  await rm(TMP, { recursive: true, force: true })
})

/**
 * The environment for npm and the installed CLI: without the npm_* variables of an `npm test` around
 * this run (they would steer the inner npm), and with the test's Chromium.
 */
function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')))
  return { ...clean, CHROME_PATH: chromiumPath(), NO_COLOR: '1' }
}

function sh(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env: env(), encoding: 'utf8' })
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` }
}

describe('the npm package', () => {
  // A real `npm pack` and a real `npm install` from the npm cache: about a minute.
  it('packs with lib/ compiled and no sources, installs into another project, and inits and builds a site there', { timeout: 300_000 }, async () => {
    // The repo's lib/ as the test run compiled it (global setup; `prepare` is what compiles it, and
    // `npm ci` runs it on a clean clone): packed without compiling it a second time.
    const out = await tempDir('marp-site-tarball-')
    const packed = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', out], REPO)
    expect(packed.code, packed.out).toBe(0)
    const [tarball] = await readdir(out)
    if (tarball === undefined) throw new Error(`npm pack made no tarball:\n${packed.out}`)

    const files = execFileSync('tar', ['-tzf', path.join(out, tarball)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''))
    for (const file of [
      'bin/marp-site.js',
      'lib/index.js',
      'lib/index.d.ts',
      'lib/cli/bin.js',
      'lib/render/worker.bundle.cjs',
      'lib/client/runtime.js',
      'lib/client/live.js',
      'themes/marp-site.css',
      'templates/layout.liquid',
      'README.md',
    ]) {
      expect(files, file).toContain(file)
    }
    expect(files.filter((f) => /^(src|test|slides|scripts|bench|docs)\//.test(f) || f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual(
      [],
    )

    // Someone else's repository of talks: a package.json and a deck.
    const user = await tempDir('marp-site-user-')
    await writeFile(path.join(user, 'package.json'), `${JSON.stringify({ name: 'talks', private: true }, null, 2)}\n`)
    await mkdir(path.join(user, 'slides'))
    await writeFile(path.join(user, 'slides', 'hello.md'), '---\ntitle: Hello\n---\n\n# Hello\n\n---\n\n## Second slide\n')
    // From the npm cache that `npm ci` filled; the registry only for what it lacks.
    const installed = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', path.join(out, tarball)], user)
    expect(installed.code, installed.out).toBe(0)
    // Only the package's dependencies: none of its devDependencies, none of its sources.
    for (const dev of ['typescript', 'esbuild', 'vitest', '@biomejs/biome']) expect(existsSync(path.join(user, 'node_modules', dev)), dev).toBe(false)
    expect(existsSync(path.join(user, 'node_modules', 'marp-site', 'src'))).toBe(false)

    // init reads the theme it copies from the installed package.
    const init = sh('npx', ['--no-install', 'marp-site', 'init'], user)
    expect(init.code, init.out).toBe(0)
    expect(init.out).toContain('themes/marp-site.css')
    expect(init.out).toContain('slides/welcome.md  (slides/ already has decks)')

    const built = sh('npx', ['--no-install', 'marp-site', 'build', '--pdf'], user)
    expect(built.code, built.out).toBe(0)
    expect(built.out).toContain('Built 1 deck, 2 slides, 1 PDF')
    for (const file of ['index.html', 'manifest.json', 'hello/index.html', 'hello/hello.pdf'])
      expect(existsSync(path.join(user, 'dist', file)), file).toBe(true)

    // The API, as `import` from the package.
    const api = sh(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('marp-site'); console.log(typeof m.build, typeof m.resolveConfig, m.VERSION)"],
      user,
    )
    expect(api.out.trim()).toMatch(/^function function \d+\.\d+\.\d+/)
  })
})
