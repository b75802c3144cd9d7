import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/**
 * Tests that spawn `bin/marp-site.js` run the compiled lib/, and every build ships the bundled deck
 * page runtime from lib/client and renders with the bundled worker in lib/render: compile all three
 * from the current sources first.
 */
export default function setup(): void {
  const require = createRequire(import.meta.url)
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd, stdio: 'inherit' })
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { cwd, stdio: 'inherit' })
  execFileSync(process.execPath, ['scripts/build-worker.mjs'], { cwd, stdio: 'inherit' })
}
