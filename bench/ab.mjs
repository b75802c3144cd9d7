// Same-run A/B of two checkouts of marp-site on the same corpus: `node bench/ab.mjs OTHER_REPO [rounds]`.
// Alternates the two (A = OTHER_REPO, B = this one) round by round, so that the machine's drift falls on
// both alike, and prints the medians: cold HTML build, no-change rebuild, one-deck rebuild (50 × 20), and
// a cold PDF build (10 × 20). Both checkouts must be compiled (`npm run compile`).
import { execFileSync, spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeCorpus } from './corpus.mjs'

const B = fileURLToPath(new URL('..', import.meta.url))
const A = path.resolve(process.argv[2] ?? '')
const ROUNDS = Number(process.argv[3] ?? 5)
if (!process.argv[2]) throw new Error('usage: node bench/ab.mjs OTHER_REPO [rounds]')
const WORK = path.join(B, 'bench', 'corpus-ab')
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function run(repo, args) {
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'marp-site.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  if (r.status !== 0 && r.status !== 1) throw new Error(`${repo}: ${args.join(' ')} exited ${r.status}\n${r.stderr}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

// Each side builds its own copy of the corpus: the cache and the up-to-date stamp are per out dir.
const dirs = {}
for (const who of ['A', 'B']) {
  dirs[who] = { d50: path.join(WORK, `d50-${who}`), d10: path.join(WORK, `d10-${who}`) }
  await writeCorpus(dirs[who].d50, 50)
  await writeCorpus(dirs[who].d10, 10)
}
const original = await readFile(path.join(dirs.A.d50, 'slides', 'deck-001.md'), 'utf8')
const times = { A: {}, B: {} }
const add = (who, what, ms) => (times[who][what] ??= []).push(ms)
const clean = (dir) => execFileSync('rm', ['-rf', path.join(dir, 'dist'), path.join(dir, '.marp-site-cache')])

for (let round = 0; round < ROUNDS; round += 1) {
  for (const [who, repo] of round % 2 === 0
    ? [
        ['A', A],
        ['B', B],
      ]
    : [
        ['B', B],
        ['A', A],
      ]) {
    const { d50, d10 } = dirs[who]
    const deck = path.join(d50, 'slides', 'deck-001.md')
    clean(d50)
    add(who, 'cold HTML 50', run(repo, ['build', d50, '--no-pdf']))
    add(who, 'no-change 50', run(repo, ['build', d50, '--no-pdf']))
    await writeFile(deck, `${original}\n\nedit ${who} ${round}\n`)
    add(who, 'one deck changed 50', run(repo, ['build', d50, '--no-pdf']))
    await writeFile(deck, original)
    if (round < 3) {
      clean(d10)
      add(who, 'cold PDF 10', run(repo, ['build', d10, '--pdf']))
    }
  }
}
console.log(`A = ${A}\nB = ${B}\n${ROUNDS} rounds, alternating; medians (runs in ms)`)
for (const what of Object.keys(times.A)) {
  const a = median(times.A[what])
  const b = median(times.B[what])
  console.log(
    `${what.padEnd(22)} A ${Math.round(a)} ms  B ${Math.round(b)} ms  B/A ${(b / a).toFixed(2)}   A [${times.A[what].map(Math.round)}] B [${times.B[what].map(Math.round)}]`,
  )
}
