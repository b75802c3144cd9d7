import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll } from 'vitest'
import { buildWith, type BuildContext, type BuildOptions, type BuildResult } from '../../src/build/index.js'
import { resolveConfig } from '../../src/config/resolve.js'
import type { InlineConfig } from '../../src/config/types.js'
import type { Manifest } from '../../src/write/manifest.js'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const FIXTURES = path.join(REPO, 'test', 'fixtures')

const made: string[] = []
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A fresh temp dir, removed after the test file. */
export async function tempDir(prefix = 'marp-site-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** A temp project: a copy of `test/fixtures/<fixture>` (if given) plus the files given. */
export async function project(files: Record<string, string | Uint8Array> = {}, fixture?: string): Promise<string> {
  const root = await tempDir()
  if (fixture) await cp(path.join(FIXTURES, fixture), root, { recursive: true })
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, content)
  }
  return root
}

/**
 * Builds a project in-process. HTML only unless `pdf` is given: most tests are not about PDFs.
 * `options` may carry the internal context too (threads, toolKey, browserCandidates).
 */
export async function buildProject(root: string, inline: InlineConfig = {}, options: BuildOptions & BuildContext = {}): Promise<BuildResult> {
  const { signal, onProgress, env, ...context } = options
  return buildWith(
    await resolveConfig({ root, pdf: false, ...inline }),
    { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}), ...(env ? { env } : {}) },
    context,
  )
}

export async function readManifest(root: string, out = 'dist'): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(root, out, 'manifest.json'), 'utf8')) as Manifest
}

export async function readOut(root: string, sitePath: string, out = 'dist'): Promise<string> {
  return readFile(path.join(root, out, ...sitePath.split('/')), 'utf8')
}

export async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file)
    return true
  } catch {
    return false
  }
}

/** Counts the slides (`<svg data-marpit-svg>`) in a built deck page. */
export function slideCount(html: string): number {
  return html.match(/<svg data-marpit-svg/g)?.length ?? 0
}

/**
 * A deck on one of Marpit's slow paths (measured by hand: cubic in the number of comment
 * openers, seconds for these few KB), far past a 1 s render limit.
 */
export const SLOW_DECK = `</${'<!--'.repeat(1600)}`

/**
 * A deck that cannot be built: `text` followed by a line with a byte that is not UTF-8 (an
 * `encoding` error at that line). Whatever marp-core renders is built, so this is how a test breaks one.
 */
export function unbuildable(text: string): Buffer {
  return Buffer.concat([Buffer.from(text.endsWith('\n') ? text : `${text}\n`), Buffer.from([0xff, 0x0a])])
}

/** A port that was free a moment ago on 127.0.0.1 (for a server a test starts as a separate process). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Runs the `marp-site` command in this process, as a user would in `cwd`: its exit code and what it printed (no colour). */
export async function runCli(argv: string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.js')
  let stdout = ''
  let stderr = ''
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, color: false })
  return { code, stdout, stderr }
}
