// marp-core 5 against marp-core 4: the render of the benchmark corpus (N decks × 20 slides) by each engine
// alone, in a fresh Node.js process per run so that neither warms the other: the module load, the first pass
// over the decks (cold: Shiki's and highlight.js's grammars, KaTeX, the themes' PostCSS all loaded on first use)
// and the median of three more passes (warm). Both typeset math with KaTeX (marp-core 5's default MathJax 4
// cannot be installed here: see compat/ENGINE.md); marp-core 5 is its light core with the Shiki and KaTeX
// plugins, marp-core 4 as marp-site uses it.
//   node bench/lib/engines.mjs [DECKS]    runs it once (50 decks unless given) and prints the figures
//   engineSpeed(dir) from bench/run.mjs    the same, for bench/RESULTS.md
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeCorpus } from '../corpus.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(path.join(ROOT, 'package.json'))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** The engine of one major version, with KaTeX for math. */
function makeEngine(major) {
  if (major === '4') {
    const { Marp } = require('@marp-team/marp-core')
    return () => new Marp({ math: 'katex', script: false })
  }
  const { Marp } = require('marp-core-5')
  const shiki = require('marp-core-5/plugins/shiki')
  const katex = require('marp-core-5/plugins/katex')
  return () => new Marp({ math: 'katex', script: false }).use((shiki.default ?? shiki)()).use((katex.default ?? katex)())
}

/** In the child: load, one cold pass, three warm passes; prints JSON. */
function child(major, dir) {
  const decks = readdirSync(path.join(dir, 'slides'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => readFileSync(path.join(dir, 'slides', f), 'utf8'))
  const t = performance.now()
  const create = makeEngine(major)
  const loadMs = performance.now() - t
  const pass = () => {
    const marp = create()
    const started = performance.now()
    let slides = 0
    for (const markdown of decks) slides += (marp.render(markdown).html.match(/<section /g) ?? []).length
    if (slides !== decks.length * 20) throw new Error(`marp-core ${major} rendered ${slides} slides`)
    return performance.now() - started
  }
  const coldMs = pass()
  const warm = [pass(), pass(), pass()]
  console.log(JSON.stringify({ loadMs, coldMs, warmMs: median(warm) }))
}

/** `rounds` alternating runs of each engine over a corpus of `decks` decks in `work`; medians in ms. */
export async function engineSpeed(work, { decks = 50, rounds = 3 } = {}) {
  const dir = path.join(work, 'engines')
  await writeCorpus(dir, decks)
  const runs = { 4: [], 5: [] }
  for (let i = 0; i < rounds; i += 1) {
    for (const major of ['4', '5']) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', major, dir], { cwd: ROOT, encoding: 'utf8' })
      runs[major].push(JSON.parse(out.trim().split('\n').at(-1)))
    }
  }
  const summary = (list) => ({
    loadMs: Math.round(median(list.map((r) => r.loadMs))),
    coldMs: Math.round(median(list.map((r) => r.coldMs))),
    warmMs: Math.round(median(list.map((r) => r.warmMs))),
  })
  return { decks, rounds, core4: summary(runs[4]), core5: summary(runs[5]) }
}

const argv = process.argv.slice(2)
if (argv[0] === '--child') child(argv[1], argv[2])
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { mkdtemp, rm } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const work = await mkdtemp(path.join(tmpdir(), 'bench-engines-'))
  try {
    const r = await engineSpeed(work, { decks: Number(argv[0] ?? 50) })
    console.log(JSON.stringify(r, null, 2))
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
