import path from 'node:path'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import pc from 'picocolors'
import { buildWith, type BuildProgress } from '../build/index.js'
import { resolveConfig } from '../config/resolve.js'
import { findProjectRoot } from '../config/root.js'
import type { InlineConfig } from '../config/types.js'
import { EXIT_CODES, isMarpSiteError } from '../errors.js'
import { countBySeverity, type Problem } from '../problems.js'
import type { EarlyThreads } from '../render/threads.js'
import { VERSION } from '../version.js'
import { runInit } from './init.js'
import { formatProblems, formatSummary } from './report.js'
import { swallowed } from '../log.js'

export interface CliIO {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  readonly cwd: string
  /** Colours and live progress; false in CI, in tests and with NO_COLOR. */
  readonly color: boolean
  readonly signal?: AbortSignal
  /** Render threads started as the process started (see render/threads.ts): `build` takes them over. */
  readonly early?: EarlyThreads
}

interface BuildFlags {
  config?: string
  slides?: string
  themes?: string
  templates?: string
  out?: string
  pdf?: boolean
  browserPath?: string
  cache?: boolean
  singleFile?: boolean
  /** false with --no-notes (commander's default for a lone --no- flag is true). */
  notes?: boolean
  withNotes?: boolean
  notesFile?: boolean
  pptx?: boolean
}

/** Runs the CLI and resolves to the exit code. Never exits the process itself, so tests call it directly. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io)
  } finally {
    // Early threads no command took over.
    await io.early?.close()
  }
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const c = pc.createColors(io.color)
  let exitCode = 0
  const program = new Command('marp-site')
    .description('Build a static presentation site from a folder of Marp decks')
    .version(VERSION, '-v, --version')
    .helpOption('-h, --help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(c.red(s)),
    })

  withBuildFlags(program.command('build'), 'build')
    .description('Build the site: every deck in the slides dir becomes a page, plus an index and a manifest')
    .argument('[root]', ROOT_HELP)
    .option('--single-file', 'make each deck page self-contained (CSS, scripts, images and fonts inside), to send by email')
    .option('--no-notes', 'keep speaker notes out of every file of the site (config notes: private)')
    .option('--with-notes', 'put speaker notes in the site even when the config says notes: private (a local copy for the speaker)')
    .option('--notes-file', "write each deck's speaker notes as text beside its page (<slug>/notes.md)")
    .action(async (root: string | undefined, flags: BuildFlags) => {
      exitCode = await runBuild(root, flags, io, c)
    })

  withBuildFlags(program.command('dev'), 'dev')
    .description('Build the site (HTML, no PDFs), serve it on 127.0.0.1 and rebuild and reload open pages on every save')
    .argument('[root]', ROOT_HELP)
    .option('--port <n>', 'port to listen on (default: 8080, or the next free one)', parsePort)
    .option('--host <host>', 'address to listen on (default: 127.0.0.1; 0.0.0.0 exposes the site to your network)')
    .option('--open', 'open the site in the default browser')
    .action(async (root: string | undefined, flags: BuildFlags & { port?: number; host?: string; open?: boolean }) => {
      exitCode = await runDev(root, flags, io, c)
    })

  withBuildFlags(program.command('check'), 'check')
    .description('Check every deck without touching the out dir: problems, plus slides whose content overflows (measured in a browser)')
    .argument('[root]', ROOT_HELP)
    .option('--strict', 'fail (exit 1) on warnings too')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (root: string | undefined, flags: BuildFlags & { strict?: boolean; format: 'text' | 'json' }) => {
      exitCode = await runCheck(root, flags, io, c)
    })

  program
    .command('init')
    .description(
      'Scaffold a site: a sample deck, a theme to edit, a commented config, .gitignore, package.json and a GitHub Pages workflow (never overwrites a file)',
    )
    .argument('[dir]', 'folder to scaffold (default: this one; made when missing)')
    .action(async (dir: string | undefined) => {
      exitCode = await runInit(dir, io, c)
    })

  // marp-cli's habit, `marp talk.md`: say how marp-site does it rather than "unknown command".
  const [first] = argv
  if (first !== undefined && /\.(md|markdown)$/i.test(first) && !first.startsWith('-')) {
    const where = first.split(/[\\/]/).includes('slides') ? 'in the project around it' : `in a project with ${first} in its slides/ folder`
    io.stderr.write(
      `${c.red('marp-site:')} marp-site builds every deck of a project, not one file: run \`marp-site build\` (or \`marp-site dev\` for a live preview while you write) ${where}\n`,
    )
    return EXIT_CODES.USAGE
  }
  try {
    await program.parseAsync(['node', 'marp-site', ...argv])
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0
      return EXIT_CODES.USAGE
    }
    return reportError(error, io, c)
  }
  if (argv.length === 0) {
    program.outputHelp()
    return EXIT_CODES.USAGE
  }
  return exitCode
}

/**
 * The flags the three commands share. Those that do not apply to a command (dev makes no PDFs; check
 * builds into a temp folder) are still accepted, so that a habit or a script does not fail on them,
 * but its help does not list them.
 */
function withBuildFlags(command: Command, kind: 'build' | 'dev' | 'check'): Command {
  const only = (option: Option, applies: boolean) => (applies ? option : option.hideHelp())
  const out = {
    build: 'output folder, replaced on every build (default: dist)',
    dev: 'folder the site is built into and served from (default: dist)',
    check: 'not used: check builds into a temporary folder',
  }[kind]
  const browser = kind === 'check' ? 'Chromium, Chrome or Edge to measure overflow with' : 'Chromium, Chrome or Edge to print PDFs with'
  return command
    .option('-c, --config <file>', 'config file (default: marp-site.config.{js,mjs,json} or package.json#marpSite)')
    .option('--slides <dir>', 'decks folder (default: slides)')
    .option('--themes <dir>', 'theme CSS folder (default: themes)')
    .option('--templates <dir>', 'page templates folder (default: templates)')
    .addOption(only(new Option('-o, --out <dir>', out), kind !== 'check'))
    .addOption(
      only(new Option('--pdf', 'require a PDF for every deck: a missing browser is an error (default: PDFs when a browser is found)'), kind === 'build'),
    )
    .addOption(only(new Option('--no-pdf', 'do not make PDFs'), kind === 'build'))
    .addOption(only(new Option('--pptx', 'make a PowerPoint file of every deck too (one picture per slide, notes kept; needs a browser)'), kind === 'build'))
    .addOption(only(new Option('--browser-path <file>', `${browser} (default: CHROME_PATH, then the usual locations)`), kind !== 'dev'))
    .option('--no-cache', 'render every deck again, and neither read nor write the build cache')
}

async function runBuild(root: string | undefined, flags: BuildFlags, io: CliIO, c: ReturnType<typeof pc.createColors>): Promise<number> {
  try {
    const inline = inlineConfig(root, flags, io)
    const config = await resolveConfig(inline)
    if (config.sources.length > 0) io.stderr.write(`marp-site: config read from ${config.sources.join(', ')}\n`)
    // A live line on a terminal; in CI, plain lines for PDFs only (the slow part).
    const onProgress = ({ phase, done, total, source }: BuildProgress) => {
      const what = { render: 'render', pdf: 'PDF', images: 'images' }[phase]
      if (io.color) io.stderr.write(`\r\x1b[2K${c.dim(`${what} ${done}/${total}`)} ${source}`)
      else if (phase !== 'render') io.stderr.write(`${what} ${done}/${total} ${source}\n`)
    }
    const result = await buildWith(config, { ...(io.signal ? { signal: io.signal } : {}), onProgress }, io.early ? { early: io.early } : {})
    if (io.color) io.stderr.write('\r\x1b[2K')
    for (const notice of result.notices) io.stderr.write(`${c.yellow('warning:')} ${notice}\n`)
    // Advice for a person at a terminal; scripts and CI logs are not told on every build.
    if (io.color) for (const hint of result.hints ?? []) io.stderr.write(`${c.cyan('hint:')} ${hint}\n`)
    if (result.problems.length > 0) io.stderr.write(`${formatProblems(result.problems, c)}\n`)
    const outDisplay = path.relative(io.cwd, result.outDir) || '.'
    io.stdout.write(`${formatSummary(result, outDisplay, c)}\n`)
    if (result.found === 0)
      io.stderr.write(`${c.yellow('No decks found')} in ${path.relative(io.cwd, config.slidesDir) || '.'}: the site has an empty index.\n`)
    return countBySeverity(result.problems).errors > 0 ? EXIT_CODES.PROBLEMS : 0
  } catch (error) {
    return reportError(error, io, c)
  }
}

async function runCheck(
  root: string | undefined,
  flags: BuildFlags & { strict?: boolean; format: 'text' | 'json' },
  io: CliIO,
  c: ReturnType<typeof pc.createColors>,
): Promise<number> {
  try {
    const { check } = await import('../check/index.js')
    const result = await check(inlineConfig(root, flags, io), io.early ? { early: io.early } : {})
    const { errors, warnings } = countBySeverity(result.raw)
    if (flags.format === 'json') {
      io.stdout.write(`${JSON.stringify({ problems: result.problems }, null, 2)}\n`)
    } else {
      for (const notice of result.notices) io.stderr.write(`${c.yellow('warning:')} ${notice}\n`)
      if (result.raw.length > 0) io.stdout.write(`${formatProblems(result.raw, c)}\n`)
      io.stdout.write(
        `${errors + warnings === 0 ? c.green('No problems') : `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`} in ${result.decks} ${result.decks === 1 ? 'deck' : 'decks'}\n`,
      )
    }
    return errors > 0 || (flags.strict && warnings > 0) ? EXIT_CODES.PROBLEMS : 0
  } catch (error) {
    return reportError(error, io, c)
  }
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError('must be a port number from 1 to 65535')
  return port
}

const ROOT_HELP = 'project root (default: the nearest folder up from here with a marp-site or marp-cli config or a package.json, else this one)'

/** The project root: as given, else found upward from the working directory (said on stderr when it is another folder). */
function projectRoot(root: string | undefined, io: CliIO): string {
  if (root !== undefined) return path.resolve(io.cwd, root)
  const found = findProjectRoot(io.cwd)
  if (found === undefined) return io.cwd
  if (found !== path.resolve(io.cwd))
    io.stderr.write(`marp-site: project root ${found} (the nearest folder with a marp-site or marp-cli config or a package.json)\n`)
  return found
}

/**
 * The flags as config. Folders and the config file given as flags are where the user points from the
 * working directory (the root may be another folder, given or found upward); in a config file they
 * are relative to the root.
 */
function inlineConfig(root: string | undefined, flags: BuildFlags, io: CliIO): InlineConfig {
  const here = (p: string) => path.resolve(io.cwd, p)
  return {
    root: projectRoot(root, io),
    ...(flags.config === undefined ? {} : { config: here(flags.config) }),
    ...(flags.slides === undefined ? {} : { slidesDir: here(flags.slides) }),
    ...(flags.themes === undefined ? {} : { themesDir: here(flags.themes) }),
    ...(flags.templates === undefined ? {} : { templatesDir: here(flags.templates) }),
    ...(flags.out === undefined ? {} : { outDir: here(flags.out) }),
    ...(flags.pdf === undefined ? {} : { pdf: flags.pdf }),
    ...(flags.browserPath === undefined ? {} : { browserPath: flags.browserPath }),
    ...(flags.cache === false ? { cache: false } : {}),
    ...(flags.singleFile ? { singleFile: true } : {}),
    ...(flags.withNotes ? { notes: 'public' as const } : flags.notes === false ? { notes: 'private' as const } : {}),
    ...(flags.notesFile ? { notesFile: true } : {}),
    ...(flags.pptx ? { pptx: true } : {}),
  }
}

async function runDev(
  root: string | undefined,
  flags: BuildFlags & { port?: number; host?: string; open?: boolean },
  io: CliIO,
  c: ReturnType<typeof pc.createColors>,
): Promise<number> {
  try {
    // Loaded only for `dev`: a build never loads the watcher or the server.
    const { startDev } = await import('../dev/dev.js')
    const cwd = io.cwd
    // Problems print when they appear; those already shown by the last build are only counted, so a
    // site with many warnings does not print them all again on every save.
    let shown = new Set<string>()
    const problemKey = (p: Problem) => [p.file, p.line ?? '', p.slide ?? '', p.rule, p.severity, p.message].join('\0')
    const dev = await startDev(inlineConfig(root, flags, io), {
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(flags.port === undefined ? {} : { port: flags.port }),
      onNotice: (message) => io.stderr.write(`${c.yellow('warning:')} ${message}\n`),
      ...(io.early ? { early: io.early } : {}),
      onBuild: (event) => {
        const changed = event.changed.map((f) => path.relative(cwd, f)).join(', ')
        if (!event.ok) {
          io.stderr.write(`${c.red('error')} ${event.error.message}${changed ? c.dim(`  (after ${changed})`) : ''}\n`)
          return
        }
        const fresh = event.result.problems.filter((p) => !shown.has(problemKey(p)))
        shown = new Set(event.result.problems.map(problemKey))
        if (fresh.length > 0) io.stderr.write(`${formatProblems(fresh, c)}\n`)
        const { errors, warnings } = countBySeverity(event.result.problems)
        const what = changed ? `${changed} → ${event.reload === 'css' ? 'styles swapped' : 'pages updated'}` : 'built'
        io.stdout.write(
          `${c.dim(new Date().toTimeString().slice(0, 8))} ${what} in ${Math.round(event.result.durationMs)} ms (${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'})\n`,
        )
      },
    })
    io.stdout.write(`${c.green('marp-site dev')} serving ${c.bold(dev.url)}  (Ctrl-C stops)\n`)
    if (flags.host !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
      io.stderr.write(`${c.yellow('warning:')} listening on ${flags.host}: anyone on your network can open the site\n`)
    }
    if (flags.open) openBrowser(dev.url)
    await new Promise<void>((resolve) => {
      if (!io.signal || io.signal.aborted) return resolve()
      io.signal.addEventListener('abort', () => resolve(), { once: true })
    })
    await dev.close()
    io.stdout.write('marp-site dev stopped\n')
    return 0
  } catch (error) {
    return reportError(error, io, c)
  }
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open'
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url]
  import('node:child_process')
    .then(({ spawn }) => {
      const child = spawn(command, args, { stdio: 'ignore', detached: true })
      // --open is a convenience: without a desktop opener, the URL printed above is enough.
      child.on('error', swallowed('cli', `running ${command}`))
      child.unref()
    })
    .catch(swallowed('cli', 'opening the browser'))
}

function reportError(error: unknown, io: CliIO, c: ReturnType<typeof pc.createColors>): number {
  if (isMarpSiteError(error)) {
    io.stderr.write(`${c.red('marp-site:')} ${error.message}\n`)
    return EXIT_CODES[error.code]
  }
  if (error instanceof Error && error.name === 'AbortError') {
    io.stderr.write('marp-site: interrupted; the previous site was left as it was\n')
    return 130
  }
  if (error instanceof InvalidArgumentError) {
    io.stderr.write(`${c.red('marp-site:')} ${error.message}\n`)
    return EXIT_CODES.USAGE
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  io.stderr.write(`${c.red('marp-site: internal error')} (please report it)\n${detail}\n`)
  return EXIT_CODES.INTERNAL
}
