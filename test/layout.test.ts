import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from './helpers/project.js'

const SRC = path.join(REPO, 'src')

/** Every .ts file of src/, relative to it, with forward slashes. */
function sources(): string[] {
  return (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'))
}

/** A file's room: its folder under src/, or the file itself for one at the top (errors.ts, rules.ts...). */
function roomOf(file: string): string {
  return file.includes('/') ? (file.split('/')[0] as string) : file
}

/** The rooms each room imports from (static `from '…'` and dynamic `import('…')`, types included). */
function roomGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of sources()) {
    const text = readFileSync(path.join(SRC, file), 'utf8')
    const from = roomOf(file)
    const edges = graph.get(from) ?? new Set<string>()
    graph.set(from, edges)
    for (const m of text.matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1] as string)).replace(/\.js$/, '.ts')
      const to = roomOf(target)
      if (to !== from) edges.add(to)
    }
  }
  return graph
}

/** The cycles of the graph, each as a path that returns to its start. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string) => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node)
  return found
}

describe('the layout of src/', () => {
  it('has no import cycle between its folders (and top-level files)', () => {
    expect(cycles(roomGraph())).toEqual([])
  })

  it('finds a cycle when there is one (the check itself can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ])
    expect(cycles(graph)).toEqual([['a', 'b', 'c', 'a']])
  })

  it('keeps the browser code in one folder that pdf/ and check/ use, and that uses neither', () => {
    const graph = roomGraph()
    expect([...(graph.get('browser') ?? [])].filter((room) => ['pdf', 'check', 'build', 'cli', 'dev'].includes(room))).toEqual([])
    expect(graph.get('pdf')?.has('check') ?? false).toBe(false)
    expect(graph.get('check')?.has('pdf') ?? false).toBe(false)
  })

  it('has no source file over 400 lines', () => {
    const long = sources()
      .map((file) => [file, readFileSync(path.join(SRC, file), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 400)
    expect(long).toEqual([])
  })

  it("tests the product with its own fixtures, never with the user's slides/ (which the user replaces)", () => {
    const tests = (readdirSync(path.join(REPO, 'test'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))
    const readsSlides = tests.filter((file) =>
      /REPO,\s*'slides|root:\s*REPO\b|\[\s*'(check|build)',\s*REPO\b/.test(readFileSync(path.join(REPO, 'test', file), 'utf8')),
    )
    expect(readsSlides).toEqual([])
  })

  it('prints and exits only in the CLI layer', () => {
    const offenders = sources().filter(
      (file) =>
        !file.startsWith('cli/') &&
        !file.startsWith('client/') &&
        /\bprocess\.exit\(|\bconsole\.(log|error|warn)\(/.test(readFileSync(path.join(SRC, file), 'utf8')),
    )
    expect(offenders).toEqual([])
  })
})
