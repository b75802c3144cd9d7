// `npm run compat [-- deck-name ...]`: builds each deck of compat/decks/ with marp-site and with marp-cli,
// screenshots every slide of both in one headless Chromium, pixel-diffs them, and writes compat/RESULTS.md
// (diff images and the raw results go to the git-ignored compat/out/). Needs `npm run compile` first.
import { execFile, spawnSync } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pixelmatch from 'pixelmatch'
import { PNG } from 'pngjs'
import puppeteer from 'puppeteer-core'
import { measureEdges } from './lib/edges.mjs'
import { writePlaceholders } from './lib/placeholder.mjs'
import { diffPercent, renderResults, TOLERANCE_PCT } from './lib/report.mjs'
import { screenshots } from './lib/shots.mjs'
import { tally, verifyExternalRequest, verifyLayout, verifyMissingAsset } from './lib/verify.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const HERE = path.join(ROOT, 'compat')
// The decks are other people's work, kept outside the repository: compat/decks/ (git-ignored), else the
// workplace's shared folder beside the repository (../shared/compat/decks), else COMPAT_DECKS.
const SHARED_DECKS = path.join(ROOT, '..', 'shared', 'compat', 'decks')
const DECKS = process.env.COMPAT_DECKS ?? (existsSync(path.join(HERE, 'decks')) || !existsSync(SHARED_DECKS) ? path.join(HERE, 'decks') : SHARED_DECKS)
// `--core 5`: marp-site renders with marp-core 5 (the `marp-core-5` devDependency) through its `engine` seam
// (compat/lib/core5-engine.cjs); the results go to compat/out/core5/ and compat/RESULTS-core5.md.
const CORE = process.argv.includes('--core') ? process.argv[process.argv.indexOf('--core') + 1] : '4'
if (!['4', '5'].includes(CORE)) throw new Error(`--core takes 4 or 5, not ${CORE}`)
const OUT = process.env.COMPAT_OUT ?? (CORE === '5' ? path.join(HERE, 'out', 'core5') : path.join(HERE, 'out'))
const RESULTS = path.join(HERE, CORE === '5' ? 'RESULTS-core5.md' : 'RESULTS.md')
const CORE5_ENGINE = path.join(HERE, 'lib', 'core5-engine.cjs')
const SITE_BIN = path.join(ROOT, 'bin', 'marp-site.js')
const MARP_BIN = path.join(ROOT, 'node_modules', '@marp-team', 'marp-cli', 'marp-cli.js')
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium'
// Generous: the machine may be shared, and a step given up would say nothing about compatibility.
const STEP_TIMEOUT_MS = 300_000

const version = (dir) => JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')).version

const gitHead = () => spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown'

// marp-cli takes the page's lang from the locale; marp-site's default is "en". Both get English here.
function run(args, cwd) {
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' }
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, timeout: STEP_TIMEOUT_MS, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code ?? 1) : 0, output: `${stdout ?? ''}${stderr ?? ''}`.trim() })
    })
  })
}

/** The deck's temp copy: its files, placeholders for the images left out, its themes in one folder. */
async function prepare(entry, work) {
  const src = path.join(work, 'src')
  await cp(path.join(DECKS, entry.name), src, { recursive: true })
  await writePlaceholders(src, entry.placeholders ?? [])
  const themes = path.join(work, 'themes')
  await mkdir(themes, { recursive: true })
  for (const theme of entry.themes) await cp(path.join(src, theme), path.join(themes, path.basename(theme)))
  return { src, themes }
}

/** marp-site: the CLI, a config that registers the deck's themes, marp-cli's defaults where ours differ on purpose. */
async function buildSite(entry, work, { src, themes }) {
  const out = path.join(work, 'site')
  const config = {
    slidesDir: path.dirname(entry.deck) || '.',
    themesDir: path.relative(src, themes),
    theme: 'default',
    pdf: false,
    cacheDir: false,
    marp: { html: true },
    // The machine may be busy: a deck given up by the render time limit would say nothing about compatibility.
    renderTimeout: 300,
    ...(CORE === '5' ? { engine: CORE5_ENGINE } : {}),
  }
  await writeFile(path.join(src, 'marp-site.config.json'), `${JSON.stringify(config, null, 2)}\n`)
  const r = await run([SITE_BIN, 'build', src, '--out', out, '--no-pdf', '--no-cache'], src)
  const manifestFile = path.join(out, 'manifest.json')
  if (!existsSync(manifestFile)) return { error: `marp-site build exited ${r.status}: ${r.output.split('\n').slice(-3).join(' ')}`, problems: {}, list: [] }
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'))
  const deck = manifest.decks.find((d) => d.source.endsWith(path.basename(entry.deck))) ?? manifest.decks[0]
  if (!deck) {
    const lines = r.output.split('\n')
    // A problem line (`  deck.md:4  error  …  rule`) says why; the summary line only counts.
    const why = lines.find((line) => /^\s*\S+:\d+\s+error\s/.test(line)) ?? lines.find((line) => /\berror\b/.test(line)) ?? lines.at(-1)
    return { error: `marp-site built no deck (exit ${r.status}): ${why?.trim()}`, problems: {}, list: [] }
  }
  // The site's own problems (its themes') beside the deck's, and the overflow and crowded rules as `check`
  // measures them (its code, on this build's pages): a build without PDFs does not measure them.
  const list = [...(deck.problems ?? []), ...(manifest.problems ?? []), ...(await measuredProblems(out, deck))]
  const problems = {}
  for (const p of list) problems[p.rule] = (problems[p.rule] ?? 0) + 1
  return { page: path.join(out, deck.html), problems, list, exit: r.status }
}

/** `marp-site check`'s overflow and crowded problems of a built deck (lib/check/overflow.js). */
async function measuredProblems(out, deck) {
  const { findOverflow } = await import(pathToFileURL(path.join(ROOT, 'lib', 'check', 'overflow.js')).href)
  const found = await findOverflow({ siteDir: out, decks: [{ slug: deck.slug, source: deck.source }], browserPath: CHROME, timeoutMs: STEP_TIMEOUT_MS })
  return found.map((p) => ({ file: p.file, slide: p.slide, rule: p.rule, severity: p.severity, message: p.message }))
}

/** marp-cli: the bare template, written beside the deck so that its relative URLs mean what they meant. */
async function buildCli(entry, { src, themes }) {
  const deck = path.join(src, entry.deck)
  const page = path.join(path.dirname(deck), '__marp-cli.html')
  const themeArgs = entry.themes.length ? ['--theme-set', ...entry.themes.map((t) => path.join(themes, path.basename(t)))] : []
  const r = await run(
    [MARP_BIN, '--no-config-file', '--no-stdin', '--html', '--allow-local-files', '--template', 'bare', ...themeArgs, '-o', page, '--', deck],
    src,
  )
  if (!existsSync(page)) return { error: `marp-cli exited ${r.status}: ${r.output.split('\n').slice(-2).join(' ')}` }
  return { page, exit: r.status }
}

async function compare(siteShots, cliShots, outDir) {
  const slides = []
  for (let i = 0; i < Math.max(siteShots.length, cliShots.length); i += 1) {
    const a = siteShots[i]
    const b = cliShots[i]
    if (!a || !b) {
      slides.push({ slide: i + 1, diff: null })
      continue
    }
    if (a.width !== b.width || a.height !== b.height) {
      slides.push({ slide: i + 1, diff: 100, note: `size ${a.width}×${a.height} against ${b.width}×${b.height}` })
      continue
    }
    const diff = new PNG({ width: a.width, height: a.height })
    const mismatched = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.1 })
    const pct = diffPercent(mismatched, a.width, a.height)
    slides.push({ slide: i + 1, diff: pct })
    if (pct > TOLERANCE_PCT) {
      await mkdir(outDir, { recursive: true })
      const n = String(i + 1).padStart(2, '0')
      await writeFile(path.join(outDir, `${n}-marp-site.png`), PNG.sync.write(a))
      await writeFile(path.join(outDir, `${n}-marp-cli.png`), PNG.sync.write(b))
      await writeFile(path.join(outDir, `${n}-diff.png`), PNG.sync.write(diff))
    }
  }
  return slides
}

/** Both builds of a deck, in a temp folder the caller removes. */
async function buildBoth(entry) {
  const work = await mkdtemp(path.join(tmpdir(), `compat-${entry.name}-`))
  const started = Date.now()
  try {
    const dirs = await prepare(entry, work)
    const [site, cli] = await Promise.all([buildSite(entry, work, dirs), buildCli(entry, dirs)])
    return { work, site, cli, buildMs: Date.now() - started }
  } catch (error) {
    await rm(work, { recursive: true, force: true })
    throw error
  }
}

async function shootAndCompare(browser, entry, { work, site, cli, buildMs }) {
  const started = Date.now()
  try {
    const requests = []
    const [siteRun, cliRun] = await Promise.all([
      site.page ? screenshots(browser, site.page, { requests }) : { shots: [] },
      cli.page ? screenshots(browser, cli.page, { probe: measureEdges, probeArg: 1 }) : { shots: [] },
    ])
    const siteShots = siteRun.shots
    const cliShots = cliRun.shots
    const outDir = path.join(OUT, entry.name)
    await rm(outDir, { recursive: true, force: true })
    const slides = await compare(siteShots, cliShots, outDir)
    const verdicts = site.page && cli.page ? await verify(entry, work, site.page, site.list, requests, cliRun.probed ?? []) : null
    return {
      name: entry.name,
      site: { slides: site.page ? siteShots.length : null, problems: site.problems, error: site.error },
      cli: { slides: cli.page ? cliShots.length : null, error: cli.error },
      slides,
      verdicts,
      seconds: { build: Math.round(buildMs / 100) / 10, compare: Math.round((Date.now() - started) / 100) / 10 },
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Each missing-asset, external-request, overflow and crowded problem of the deck checked (lib/verify.mjs). */
async function verify(entry, work, sitePage, problems, requests, measured) {
  const src = path.join(work, 'src')
  const deckFile = path.join(src, entry.deck)
  const themeTexts = await Promise.all(entry.themes.map((t) => readFile(path.join(src, t), 'utf8')))
  // What the site would ask for: marp-site's built page and the stylesheets it links.
  const page = await readFile(sitePage, 'utf8')
  const sheets = [...page.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => path.resolve(path.dirname(sitePage), m[1]))
  const texts = [page, ...(await Promise.all(sheets.filter((f) => existsSync(f)).map((f) => readFile(f, 'utf8'))))]
  const themeNames = themeTexts.flatMap((css) => [...css.matchAll(/@theme\s+([^\s*]+)/g)].map((m) => m[1]))
  const disk = { deckDir: path.dirname(deckFile), projectDir: src, themeNames }
  const verdicts = []
  for (const p of problems) {
    if (p.rule === 'missing-asset') verdicts.push({ problem: p, ...(await verifyMissingAsset(p, disk)) })
    if (p.rule === 'external-request') verdicts.push({ problem: p, ...verifyExternalRequest(p, { requested: requests, texts }) })
  }
  const layout = verifyLayout(
    problems.filter((p) => p.rule === 'overflow' || p.rule === 'crowded'),
    measured,
  )
  return tally([...verdicts, ...layout.verdicts], layout.missed)
}

/** `--report`: RESULTS.md again from the last run's kept results, without building anything. */
async function report(sources) {
  const results = JSON.parse(await readFile(path.join(OUT, 'results.json'), 'utf8'))
  const meta = JSON.parse(await readFile(path.join(OUT, 'meta.json'), 'utf8'))
  await writeResults(sources, results, meta)
}

async function writeResults(sources, results, meta) {
  await writeFile(path.join(OUT, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`)
  // A run of some decks rewrites compat/RESULTS.md only when the results now cover the whole corpus.
  const complete = sources.every((s) => results.some((r) => r.name === s.name))
  const target = complete ? RESULTS : path.join(OUT, 'RESULTS.md')
  await writeFile(target, renderResults(results, meta))
  console.log(`Wrote ${path.relative(ROOT, target)}; diff images in ${path.relative(ROOT, OUT)}/`)
  // A problem the deck does not bear out, or an overflow nobody reported, fails the run.
  const failed = results.filter((r) => r.verdicts && (r.verdicts.unconfirmed.length > 0 || r.verdicts.missed.length > 0))
  for (const r of failed) {
    for (const u of r.verdicts.unconfirmed) console.error(`${r.name}: unconfirmed ${u.rule}${u.slide ? ` (slide ${u.slide})` : ''}: ${u.message} — ${u.reason}`)
    for (const m of r.verdicts.missed) console.error(`${r.name}: slide ${m.slide} overflows on marp-cli's page and no overflow was reported`)
  }
  if (failed.length > 0) process.exitCode = 1
}

async function main() {
  if (!existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run compile` first')
  if (!existsSync(DECKS)) throw new Error(`No corpus at ${DECKS}: see "Compatibility corpus" in CONTRIBUTING.md`)
  const sources = JSON.parse(await readFile(path.join(HERE, 'sources.json'), 'utf8'))
  if (process.argv.includes('--report')) return report(sources)
  const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--core')
  const unknown = wanted.filter((w) => !sources.some((s) => s.name === w))
  if (unknown.length) throw new Error(`Unknown deck(s): ${unknown.join(', ')}. Known: ${sources.map((s) => s.name).join(', ')}`)
  // In the order given (so that two runs can share the corpus from both ends), else the corpus's.
  const entries = (wanted.length ? wanted.map((w) => sources.find((s) => s.name === w)) : sources).filter((s) => existsSync(path.join(DECKS, s.name)))
  await mkdir(OUT, { recursive: true })
  const resultsFile = path.join(OUT, 'results.json')
  const previous = wanted.length && existsSync(resultsFile) ? JSON.parse(await readFile(resultsFile, 'utf8')) : []
  const profile = await mkdtemp(path.join(tmpdir(), 'compat-chromium-'))
  const browser = await puppeteer.launch({
    executablePath: CHROME,
    headless: true,
    userDataDir: profile,
    // A busy machine can take minutes over one page's screenshots.
    protocolTimeout: 900_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--allow-file-access-from-files',
      '--font-render-hinting=none',
    ],
  })
  const started = Date.now()
  const results = previous.filter((r) => !entries.some((e) => e.name === r.name))
  try {
    // The next deck builds while this one is screenshotted.
    let next = entries.length ? buildBoth(entries[0]) : null
    for (const [i, entry] of entries.entries()) {
      const built = await next
      next = i + 1 < entries.length ? buildBoth(entries[i + 1]) : null
      next?.catch(() => undefined)
      // A deck that cannot be loaded (a busy machine's timeout) is a row with its error; the others go on.
      const result = await shootAndCompare(browser, entry, built).catch((error) => ({
        name: entry.name,
        site: { slides: null, problems: {}, error: `not compared: ${error instanceof Error ? error.message : error}` },
        cli: { slides: null },
        slides: [],
        verdicts: null,
        seconds: { build: Math.round(built.buildMs / 100) / 10, compare: 0 },
      }))
      results.push(result)
      // Kept after each deck: a run stopped half-way still adds what it compared (`--report` writes the table).
      await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
      const worst = Math.max(0, ...result.slides.map((s) => s.diff ?? 100))
      console.log(
        `${entry.name}: ${result.site.slides ?? '–'} / ${result.cli.slides ?? '–'} slides, worst ${worst} %, build ${result.seconds.build} s, compare ${result.seconds.compare} s${result.site.error || result.cli.error ? ` (${result.site.error ?? result.cli.error})` : ''}`,
      )
    }
  } finally {
    const chromium = await browser.version().catch(() => 'unknown')
    await browser.close().catch(() => undefined)
    await rm(profile, { recursive: true, force: true })
    await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
    const meta = {
      date: new Date().toISOString().slice(0, 10),
      versions: `marp-site ${version('.')} (${gitHead()}), marp-cli ${version('node_modules/@marp-team/marp-cli')}, marp-core ${version(CORE === '5' ? 'node_modules/marp-core-5' : 'node_modules/@marp-team/marp-core')}${CORE === '5' ? ' (for marp-site, through its engine seam; marp-cli keeps its own 4.4)' : ''}`,
      chromium,
      seconds: Math.round((Date.now() - started) / 1000),
      notes: [
        '## How to read this',
        '',
        '- Both pages load in one Chromium with no network: remote images, fonts and CSS fail alike on both sides. KaTeX fonts and Twemoji images,',
        "  which marp-cli's pages take from a CDN, are served to it from the same packages in node_modules, as marp-site serves them from the site;",
        "  so are gaia's web fonts (fonts.bunny.net), from the @fontsource packages marp-site serves them from.",
        '- Images a deck names but the corpus does not hold (missing upstream, or binaries over 80 KB) are placeholders of the same size (compat/sources.json).',
        "- marp-site is run with `theme: default` (marp-cli's default; ours is `marp-site`) and `marp.html: true` (marp-cli's `--html`); all else is its default.",
        '- Glyphs the machine has no font for (CJK here, unless a CJK font is installed) show as boxes on both sides: layout is compared, not glyphs.',
        '- Screenshots and diff images of every slide over 0.1 % are in compat/out/<deck>/ after a run (not in git).',
      ].join('\n'),
    }
    await writeResults(sources, results, meta)
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
