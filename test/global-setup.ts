import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** What lib/ is compiled from: the sources, the build scripts, their settings and the installed dependencies. */
const INPUTS = ['src', 'scripts', 'tsconfig.json', 'tsconfig.client.json', 'package.json', 'package-lock.json']

function files(entry: string): string[] {
  const full = path.join(ROOT, entry)
  if (!statSync(full).isDirectory()) return [full]
  return (readdirSync(full, { recursive: true }) as string[]).map((rel) => path.join(full, rel)).filter((file) => statSync(file).isFile())
}

/** What each compile step writes: tsc a .js per source outside src/client, then the client scripts and the worker bundle. */
function outputs(): string[] {
  const compiled = files('src')
    .map((file) => path.relative(path.join(ROOT, 'src'), file))
    .filter((rel) => rel.endsWith('.ts') && !rel.endsWith('.d.ts') && !rel.startsWith(`client${path.sep}`))
    .map((rel) => path.join(ROOT, 'lib', rel.replace(/\.ts$/, '.js')))
  const bundled = [
    'client/runtime.js',
    'client/live.js',
    'client/runtime.css',
    'client/transitions.css',
    'render/worker.bundle.cjs',
    'render/worker.bundle.cache',
  ]
  return [...compiled, ...bundled.map((rel) => path.join(ROOT, 'lib', rel))]
}

/** Whether every output exists and was written after the last change to any input (as `make` decides). */
function libIsFresh(): boolean {
  let newestInput = 0
  for (const entry of INPUTS) for (const file of files(entry)) newestInput = Math.max(newestInput, statSync(file).mtimeMs)
  try {
    return outputs().every((file) => statSync(file).mtimeMs > newestInput)
  } catch {
    return false // an output is missing
  }
}

/**
 * Tests that spawn `bin/marp-site.js` run the compiled lib/, and every build ships the bundled deck
 * page runtime from lib/client and renders with the bundled worker in lib/render: compile all three
 * from the current sources first, unless lib/ was compiled after the last change to them (`npm ci`
 * has just done it on CI; `npm run compile` after an edit).
 */
export default function setup(): void {
  if (libIsFresh()) {
    console.log('lib/ was compiled after the last change to src/, scripts/ and their settings: not compiled again')
    return
  }
  const require = createRequire(import.meta.url)
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' })
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { cwd: ROOT, stdio: 'inherit' })
  execFileSync(process.execPath, ['scripts/build-worker.mjs'], { cwd: ROOT, stdio: 'inherit' })
}
