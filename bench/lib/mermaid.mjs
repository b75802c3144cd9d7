// Mermaid diagrams (issue 19): what they cost a render worker. Run by bench/run.mjs, or alone:
// `node bench/lib/mermaid.mjs` (after `npm run compile`). The measuring runs in a fresh Node.js process
// (the `--child` mode below), as a render thread does: the worker bundle with its code cache, warmed up.
//  - worker start: loading the worker bundle and its warm-up render (no diagram: the Mermaid bundle is
//    not loaded), and what loading the Mermaid bundle costs the first deck with a diagram;
//  - per diagram: a deck of ten diagrams (two of each type, new sources each round) against the same
//    deck with the fences as plain code, per diagram; then the same deck again (drawn from the memo).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ROUNDS = 5

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const TYPES = [
  (k) => `flowchart LR\n  A${k}[Write ${k}] --> B{Valid?}\n  B -->|yes| C[Publish]\n  B -->|no| A${k}`,
  (k) => `sequenceDiagram\n  Alice->>Bob: Hello ${k}\n  Bob-->>Alice: Hi back\n  Alice->>Carol: Forward ${k}`,
  (k) => `classDiagram\n  Animal <|-- Duck${k}\n  Animal <|-- Fish\n  class Duck${k} {\n    +swim()\n    +quack()\n  }`,
  (k) => `stateDiagram-v2\n  [*] --> Idle\n  Idle --> Busy${k}: start\n  Busy${k} --> Idle: done\n  Busy${k} --> [*]`,
  (k) => `erDiagram\n  CUSTOMER ||--o{ ORDER${k} : places\n  ORDER${k} ||--|{ LINE_ITEM : contains`,
]

function deck(round, lang) {
  const slides = []
  for (let copy = 0; copy < 2; copy += 1) {
    for (const type of TYPES) slides.push(`## Diagram\n\n\`\`\`${lang}\n${type(`${round}x${copy}`)}\n\`\`\``)
  }
  return slides.join('\n\n---\n\n')
}

async function child() {
  const lib = path.join(ROOT, 'lib')
  const { loadBundle } = await import(path.join(lib, 'render', 'bundle.js'))
  const css = readFileSync(path.join(ROOT, 'themes', 'marp-site.css'), 'utf8')
  const keyed = { key: 'bench', setup: { themes: [{ file: 'marp-site.css', display: 'marp-site.css', css }], defaultTheme: 'marp-site', marp: {} } }
  const cpu = () => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
  const wall0 = performance.now()
  const cpu0 = cpu()
  const run = loadBundle(path.join(lib, 'render')).exports.default
  run({ warmUp: keyed })
  const workerStart = { wallMs: performance.now() - wall0, cpuMs: cpu() - cpu0 }
  // CPU time of the process (this thread, and V8's helpers): on a shared machine it varies far less than wall time.
  const render = async (markdown) => {
    const t = cpu()
    const result = await run({ render: { markdown, source: 'bench.md', slug: 'bench' }, with: keyed })
    if (!result.ok || result.deck.problems.length > 0) throw new Error(`bench deck did not render cleanly: ${JSON.stringify(result)}`)
    return cpu() - t
  }
  // The first deck with a diagram loads the Mermaid bundle (and compiles the code a drawing runs).
  const plainFirst = await render('# One\n\n```text\nflowchart LR\n  A --> B\n```')
  const firstDiagram = (await render('# One\n\n```mermaid\nflowchart LR\n  A --> B\n```')) - plainFirst
  const cold = []
  const cached = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const plain = await render(deck(round, 'text'))
    cold.push(((await render(deck(round, 'mermaid'))) - plain) / 10)
    const plainAgain = await render(deck(round, 'text'))
    cached.push(((await render(deck(round, 'mermaid'))) - plainAgain) / 10)
  }
  process.stdout.write(JSON.stringify({ workerStart, firstDiagram, perDiagramCold: median(cold), perDiagramCached: median(cached), cold, cached }))
}

/** The figures, measured in a fresh process. */
export function measureDiagrams() {
  return JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { cwd: ROOT, encoding: 'utf8' }))
}

/** Measures and notes the figures in the bench's table (`note(figure, ours, theirs, target)`). */
export function benchDiagrams(note) {
  const r = measureDiagrams()
  const ms = (x) => `${Math.round(x)} ms`
  note(
    'Render worker start (bundle, code cache, warm-up), no diagram',
    `${ms(r.workerStart.wallMs)} (CPU ${ms(r.workerStart.cpuMs)})`,
    '',
    'the Mermaid renderer is not loaded',
  )
  note(
    'First Mermaid diagram of a worker (loads beautiful-mermaid and elkjs)',
    `CPU ${ms(r.firstDiagram)}`,
    '',
    'paid once per worker, by the first deck with a diagram',
  )
  note(
    'Mermaid diagram render, per diagram (10 per deck, 5 types; CPU, median of 5)',
    `new source ${r.perDiagramCold.toFixed(1)} ms; drawn before ${r.perDiagramCached.toFixed(2)} ms`,
    '',
    'cached: the same source drawn before in this worker (a dev save of another slide)',
  )
  return r
}

if (process.argv[2] === '--child') await child()
else if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(measureDiagrams(), null, 2))
