// `npm run bench`: marp-site against marp-cli 4.5 on the same generated decks, in the same run.
// Medians of repeated runs; results printed and written to bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, totalmem, release } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeCorpus } from './corpus.mjs'
import { benchDiagrams } from './lib/mermaid.mjs'
import { searchFigures } from './lib/search.mjs'
import { engineSpeed } from './lib/engines.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORK = path.join(ROOT, 'bench', 'corpus')
const CLI = path.join(ROOT, 'bin', 'marp-site.js')
const MARP = path.join(ROOT, 'node_modules', '@marp-team', 'marp-cli', 'marp-cli.js')
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3)
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium'
/** Chromium's headless-only build (Debian: chromium-headless-shell), for one more PDF comparison when installed. */
const SHELL = [process.env.BENCH_HEADLESS_SHELL, '/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chrome-headless-shell'].find(
  (file) => file && existsSync(file),
)
const quick = process.argv.includes('--quick')

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`

/** Runs a command under /usr/bin/time: wall time (ms) and peak RSS of the whole process (bytes). */
function timed(command, args, options = {}) {
  const started = process.hrtime.bigint()
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? ROOT,
    maxBuffer: 1 << 26,
  })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0 && !options.allowFail) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr}`)
  const rssKb = Number(result.stderr.trim().split('\n').pop())
  return { ms, rss: rssKb * 1024 }
}

function repeat(n, setup, run) {
  const runs = []
  for (let i = 0; i < n; i += 1) {
    setup?.()
    runs.push(run())
  }
  return { ms: median(runs.map((r) => r.ms)), rss: Math.max(...runs.map((r) => r.rss)), runs: runs.map((r) => Math.round(r.ms)) }
}

async function du(dir) {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size
  }
  return total
}

/** markdown-it's own render of the same decks: the floor no Marp tool can go under. */
async function floor(dir) {
  const { default: MarkdownIt } = await import('markdown-it')
  const files = (await readdir(path.join(dir, 'slides'))).filter((f) => f.endsWith('.md'))
  const texts = await Promise.all(files.map((f) => readFile(path.join(dir, 'slides', f), 'utf8')))
  const runs = []
  for (let r = 0; r < REPEAT; r += 1) {
    const started = process.hrtime.bigint()
    for (const text of texts) new MarkdownIt({ html: true }).render(text)
    runs.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return median(runs)
}

const rows = []
const note = (figure, ours, theirs, target) => {
  rows.push({ figure, ours, theirs, target })
  console.log(`${figure}: ${ours}${theirs ? ` | marp-cli ${theirs}` : ''}${target ? ` | ${target}` : ''}`)
}

/** `marp-site dev` on a corpus, a deck open in Chromium, and the time from a save to the new text on screen. */
async function devLatency(dir) {
  const { spawn } = await import('node:child_process')
  const puppeteer = (await import('puppeteer-core')).default
  const child = spawn(process.execPath, [CLI, 'dev', dir, '--port', '8765'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /serving (http:\/\/\S+)/.exec(out)
      if (m) resolve(m[1])
    })
    child.once('exit', () => reject(new Error(`dev exited: ${out}`)))
  })
  const browser = await puppeteer.launch({
    executablePath: CHROME,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  const runs = []
  try {
    const page = await browser.newPage()
    await page.goto(`${url}deck-001/index.html#3`, { waitUntil: 'load' })
    await page.waitForSelector('svg.ms-active')
    const file = path.join(dir, 'slides', 'deck-001.md')
    const original = await readFile(file, 'utf8')
    for (let i = 0; i < 7; i += 1) {
      const marker = `Edited ${i} ${Date.now()}`
      const text = original.replace(/^## Math 3$/m, `## ${marker}`)
      // Saves a second apart, as an editor's auto-save makes them; the page measures itself for overflow in between.
      await new Promise((r) => setTimeout(r, 1000))
      await writeFile(file, text)
      const saved = performance.now()
      await page.waitForFunction((m) => document.querySelector('svg.ms-active h2')?.textContent === m, { polling: 'raf', timeout: 20_000 }, marker)
      runs.push(performance.now() - saved)
    }
    await writeFile(file, original)
  } finally {
    await browser.close()
    child.kill('SIGINT')
    await new Promise((r) => child.once('exit', r))
  }
  return { median: median(runs), runs }
}

async function main() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' })
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-client.mjs')], { cwd: ROOT, stdio: 'inherit' })
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-worker.mjs')], { cwd: ROOT, stdio: 'inherit' })
  const marpVersion = spawnSync(process.execPath, [MARP, '--version'], { encoding: 'utf8' }).stdout.trim()
  const results = {}

  // 50 decks × 20 slides: cold HTML, against marp -I and the markdown-it floor.
  const d50 = path.join(WORK, 'd50')
  await writeCorpus(d50, 50)
  const out = path.join(d50, 'dist')
  const marpOut = path.join(d50, 'marp-out')
  // Cold: no out dir and no cache (the corpus has no node_modules, so the cache is .marp-site-cache).
  const cold = repeat(
    REPEAT,
    () => execFileSync('rm', ['-rf', out, path.join(d50, '.marp-site-cache')]),
    () => timed(process.execPath, [CLI, 'build', d50, '--no-pdf']),
  )
  const marpCold = repeat(
    REPEAT,
    () => execFileSync('rm', ['-rf', marpOut]),
    () => timed(process.execPath, [MARP, '--no-config-file', '-I', path.join(d50, 'slides'), '-o', marpOut, '--html=false']),
  )
  const floorMs = await floor(d50)
  results.cold = { ours: cold, marp: marpCold, floor: floorMs }
  note(
    'Cold HTML build, 50 × 20',
    `${seconds(cold.ms)} (runs ${cold.runs.join(', ')} ms)`,
    `${seconds(marpCold.ms)} (runs ${marpCold.runs.join(', ')} ms)`,
    `${(marpCold.ms / cold.ms).toFixed(1)}× faster than marp-cli (target ≥ 5×); ${(cold.ms / floorMs).toFixed(1)}× the markdown-it floor of ${Math.round(floorMs)} ms (target ≤ 2×)`,
  )
  // What stands in the way: our renderer alone (a process that loads it and renders the decks on one
  // thread, nothing else), and Node.js's own start.
  const renderFloor = repeat(REPEAT, null, () => timed(process.execPath, [path.join(ROOT, 'bench', 'floor-render.mjs'), d50]))
  const nodeStart = repeat(5, null, () => timed(process.execPath, ['-e', '0']))
  results.floors = { render: renderFloor, nodeStart }
  note(
    "Floor: marp-site's renderer alone on one thread, 50 × 20 (bench/floor-render.mjs)",
    `${seconds(renderFloor.ms)} (runs ${renderFloor.runs.join(', ')} ms)`,
    '',
    `the cold build takes ${(cold.ms / renderFloor.ms).toFixed(2)}× this; 5× marp-cli would be ${seconds(marpCold.ms / 5)}`,
  )
  note('Floor: Node.js start (`node -e 0`)', `${Math.round(nodeStart.ms)} ms`, '', `20× faster than the cold build would be ${Math.round(cold.ms / 20)} ms`)

  // marp-core 5 against 4, the engines alone (bench/lib/engines.mjs; the choice is in compat/ENGINE.md).
  const engines = await engineSpeed(WORK)
  results.engines = engines
  const core = (c) => `load ${c.loadMs} ms, first pass ${c.coldMs} ms, warm pass ${c.warmMs} ms`
  note(
    `marp-core 5.0.2 (Shiki, KaTeX) against 4.4 (highlight.js, KaTeX), render alone, ${engines.decks} × 20`,
    `5: ${core(engines.core5)}; 4: ${core(engines.core4)}`,
    '',
    `warm: 5 takes ${(engines.core5.warmMs / engines.core4.warmMs).toFixed(2)}× the time of 4`,
  )

  // Rebuilds.
  const noChange = repeat(REPEAT, null, () => timed(process.execPath, [CLI, 'build', d50, '--no-pdf']))
  note('Rebuild, nothing changed, 50 × 20', seconds(noChange.ms), '', `${(cold.ms / noChange.ms).toFixed(1)}× faster than cold (target ≥ 20×)`)
  const deckFile = path.join(d50, 'slides', 'deck-001.md')
  const original = await readFile(deckFile, 'utf8')
  let edit = 0
  const oneChanged = repeat(
    REPEAT,
    () => {
      edit += 1
      execFileSync('sh', ['-c', `printf '%s\\n\\nedit ${edit}\\n' "$(cat "$1")" > "$1.tmp" && mv "$1.tmp" "$1"`, 'sh', deckFile])
    },
    () => timed(process.execPath, [CLI, 'build', d50, '--no-pdf']),
  )
  await writeFile(deckFile, original)
  note('Rebuild, one deck changed, 50 × 20', seconds(oneChanged.ms), '', `${(cold.ms / oneChanged.ms).toFixed(1)}× faster than cold`)

  // Output size and memory.
  const ourSize = await du(out)
  const marpSize = await du(marpOut)
  note('dist/ size, 50 decks (HTML)', mb(ourSize), mb(marpSize), `${(ourSize / marpSize).toFixed(2)}× marp-cli's (target ≤ 0.5×)`)
  note('Peak memory, cold HTML 50 decks', mb(cold.rss), mb(marpCold.rss), '')

  // 500 decks: linear growth and bounded memory.
  if (!quick) {
    const d500 = path.join(WORK, 'd500')
    await writeCorpus(d500, 500)
    const big = repeat(
      1,
      () => execFileSync('rm', ['-rf', path.join(d500, 'dist'), path.join(d500, '.marp-site-cache')]),
      () => timed(process.execPath, [CLI, 'build', d500, '--no-pdf']),
    )
    results.big = big
    note(
      'Cold HTML build, 500 × 20',
      `${seconds(big.ms)}, peak ${mb(big.rss)}`,
      '',
      `${(big.ms / cold.ms).toFixed(1)}× the 50-deck time (target ≤ 11×); memory target < 1 GB`,
    )
    // Search (issue 21) on the same 500 decks: bench/lib/search.mjs.
    const search = await searchFigures(d500, { chrome: CHROME })
    results.search = search
    note(
      'Search: per keystroke in Chromium, 500 × 20',
      `median ${search.medianMs.toFixed(1)} ms, p95 ${search.p95Ms.toFixed(1)} ms, max ${search.maxMs.toFixed(1)} ms`,
      '',
      'target < 50 ms',
    )
    note('Search: first search (engine and data loaded, index built)', `${Math.round(search.firstSearchMs)} ms`, '', 'once per page, after the first paint')
    note('Search: data size', `${Math.round(search.bytesPerSlide)} bytes per slide (${Math.round(search.gzipPerSlide)} gzipped), ${mb(search.bytes)}`, '', '')
    note(
      'Search: engine CPU per keystroke in Node (same script and data)',
      `median ${search.engineMedianCpuMs.toFixed(1)} ms, p95 ${search.engineP95CpuMs.toFixed(1)} ms`,
      '',
      `index built in ${Math.round(search.engineBuildCpuMs)} ms CPU`,
    )
    note(
      'Search: index update after one deck edit, 500 decks (CPU)',
      `${search.oneMs.toFixed(1)} ms`,
      '',
      `every record made again: ${search.fullMs.toFixed(1)} ms`,
    )
    await rm(d500, { recursive: true, force: true })
    // The index of a 500-deck site in a browser (bench/lib/index-load.mjs).
    const { indexLoad } = await import('./lib/index-load.mjs')
    const index = await indexLoad({ work: WORK, chrome: CHROME, cli: CLI })
    results.indexLoad = index
    const ms = (x) => `${Math.round(x)} ms`
    note('Index load, 500 decks, image thumbnails', `load ${ms(index.images.load)}, thumbnails in view ${ms(index.images.shown)}`, '', 'target < 1 s')
    note('Index load, 500 decks, iframe thumbnails (no browser)', `load ${ms(index.iframes.load)}, thumbnails in view ${ms(index.iframes.shown)}`, '', '')
  }

  // PDFs: 10 decks × 20 slides with KaTeX math, cold.
  const d10 = path.join(WORK, 'd10')
  await writeCorpus(d10, 10)
  const pdfRepeat = Math.max(1, Math.min(REPEAT, 2))
  const pdf = repeat(
    pdfRepeat,
    () => execFileSync('rm', ['-rf', path.join(d10, 'dist'), path.join(d10, '.marp-site-cache')]),
    () => timed(process.execPath, [CLI, 'build', d10, '--pdf', '--browser-path', CHROME]),
  )
  const marpPdfOut = path.join(d10, 'marp-pdf')
  const marpPdf = repeat(
    pdfRepeat,
    () => execFileSync('rm', ['-rf', marpPdfOut]),
    () =>
      timed(process.execPath, [MARP, '--no-config-file', '--pdf', '--allow-local-files', '-I', path.join(d10, 'slides'), '-o', marpPdfOut], {
        env: { CHROME_PATH: CHROME },
      }),
  )
  note(
    'Cold PDF, 10 × 20 with math',
    `${seconds(pdf.ms)} (runs ${pdf.runs.join(', ')} ms)`,
    `${seconds(marpPdf.ms)} (runs ${marpPdf.runs.join(', ')} ms)`,
    `${(marpPdf.ms / pdf.ms).toFixed(1)}× faster than marp --pdf (target ≥ 3×)`,
  )
  const pdfAgain = repeat(1, null, () => timed(process.execPath, [CLI, 'build', d10, '--pdf', '--browser-path', CHROME]))
  note('PDF rebuild, nothing changed, 10 decks', seconds(pdfAgain.ms), '', 'PDFs reused by content key')
  // The same with Chromium's headless-only build, when it is installed, for both tools.
  if (SHELL) {
    const shellPdf = repeat(
      pdfRepeat,
      () => execFileSync('rm', ['-rf', path.join(d10, 'dist'), path.join(d10, '.marp-site-cache')]),
      () => timed(process.execPath, [CLI, 'build', d10, '--pdf', '--browser-path', SHELL]),
    )
    const marpShellPdf = repeat(
      pdfRepeat,
      () => execFileSync('rm', ['-rf', marpPdfOut]),
      () =>
        timed(process.execPath, [MARP, '--no-config-file', '--pdf', '--allow-local-files', '-I', path.join(d10, 'slides'), '-o', marpPdfOut], {
          env: { CHROME_PATH: SHELL },
        }),
    )
    results.shellPdf = { ours: shellPdf, marp: marpShellPdf, browser: SHELL }
    note(
      'Cold PDF, 10 × 20 with math, both with chromium-headless-shell',
      `${seconds(shellPdf.ms)} (runs ${shellPdf.runs.join(', ')} ms)`,
      `${seconds(marpShellPdf.ms)} (runs ${marpShellPdf.runs.join(', ')} ms)`,
      `${(marpShellPdf.ms / shellPdf.ms).toFixed(1)}× faster than marp --pdf; ${(pdf.ms / shellPdf.ms).toFixed(2)}× faster than marp-site with ${path.basename(CHROME)}`,
    )
  }
  const latency = await devLatency(d50)
  note(
    'Edit-to-visible latency in dev, one deck of 50 edited',
    `median ${Math.round(latency.median)} ms (runs ${latency.runs.map(Math.round).join(', ')} ms)`,
    '',
    'from the end of the write to the new text on screen in Chromium (target ≤ 150 ms)',
  )

  results.diagrams = benchDiagrams(note)

  const chromium = spawnSync(CHROME, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Medians of ${REPEAT} runs (PDF: ${pdfRepeat}; 500 decks: 1), wall time of the whole command, so start-up is included.`,
    '',
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mb(totalmem())} RAM, Linux ${release()}`,
    `- Node.js ${process.version}; marp-site ${JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version}; ${marpVersion}; ${chromium}`,
    "- Corpus (bench/corpus.mjs): N decks × 20 slides each with headings, lists, a table, a code block, speaker notes, a local SVG image with the centred-image idiom, lead slides, emoji and math (no `math:` line: MathJax, marp-core's default).",
    `- marp-cli runs: \`marp -I slides -o out\` (HTML) and \`marp --pdf --allow-local-files -I slides -o out\` (PDF), with the same browser as marp-site (${CHROME}${SHELL ? `; and ${SHELL} in the headless-shell row` : ''}).`,
    '',
    '| figure | marp-site | marp-cli | ratio and target |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.ours} | ${r.theirs || '–'} | ${r.target || ''} |`),
    '',
    (await readFile(path.join(ROOT, 'bench', 'analysis.md'), 'utf8')).trim(),
    '',
  ]
  await writeFile(path.join(ROOT, 'bench', 'RESULTS.md'), `${lines.join('\n')}\n`)
  await writeFile(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), rows, results }, null, 2)}\n`)
  console.log('\nWrote bench/RESULTS.md')
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
