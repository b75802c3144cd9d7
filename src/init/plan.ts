import { configFile, GITIGNORE, packageJson, PAGES_WORKFLOW, SAMPLE_DECK, SCRIPTS, THEME_NOTE } from './files.js'

/** What `init` found in the folder before writing anything. */
export interface FolderState {
  /** Folder name, for the package name. */
  readonly name: string
  /** The files (forward slashes, relative to the folder) of those `init` would write that are already there. */
  readonly existing: ReadonlySet<string>
  /** A marp-site config the folder already has (`marp-site.config.json`, `package.json#marpSite`, ...). */
  readonly config: string | undefined
  /** Whether `slides/` already holds a Markdown file. */
  readonly hasDecks: boolean
  /** The folder's package.json, when it has one that parses: whether it lists marp-site, and its script names. */
  readonly packageJson?: { readonly listsMarpSite: boolean; readonly scripts: readonly string[] } | undefined
  /** The folder's .gitignore, when it has one. */
  readonly gitignore?: string | undefined
}

/** What `init` is given besides the folder: marp-site's own theme and version. */
export interface InitSources {
  readonly themeCss: string
  readonly version: string
}

export interface PlannedFile {
  /** Relative to the folder, forward slashes. */
  readonly path: string
  readonly content: string
}

export interface SkippedFile {
  readonly path: string
  readonly reason: string
}

export interface InitPlan {
  readonly files: readonly PlannedFile[]
  readonly skipped: readonly SkippedFile[]
}

export const SAMPLE_DECK_PATH = 'slides/welcome.md'
export const CONFIG_PATH = 'marp-site.config.mjs'
export const WORKFLOW_PATH = '.github/workflows/pages.yml'

/** Every file `init` may write, in the order it says them. */
export const INIT_PATHS = [SAMPLE_DECK_PATH, 'themes/marp-site.css', CONFIG_PATH, '.gitignore', 'package.json', WORKFLOW_PATH] as const

/** The files to write and those left alone, with why. Never a file that is already there. */
export function planInit(state: FolderState, sources: InitSources): InitPlan {
  const wanted: Record<(typeof INIT_PATHS)[number], () => string> = {
    [SAMPLE_DECK_PATH]: () => SAMPLE_DECK,
    'themes/marp-site.css': () => THEME_NOTE + sources.themeCss,
    [CONFIG_PATH]: configFile,
    '.gitignore': () => GITIGNORE,
    'package.json': () => packageJson(packageName(state.name), sources.version),
    [WORKFLOW_PATH]: () => PAGES_WORKFLOW,
  }
  const files: PlannedFile[] = []
  const skipped: SkippedFile[] = []
  for (const file of INIT_PATHS) {
    if (state.existing.has(file)) skipped.push({ path: file, reason: 'already there' })
    else if (file === SAMPLE_DECK_PATH && state.hasDecks) skipped.push({ path: file, reason: 'slides/ already has decks' })
    // A second config file would stop every build ("more than one config file").
    else if (file === CONFIG_PATH && state.config !== undefined) skipped.push({ path: file, reason: `the config is in ${state.config}` })
    else files.push({ path: file, content: wanted[file]() })
  }
  return { files, skipped }
}

/** What to run after `init`, one line each, from what it wrote and what was there before. */
export function nextSteps(dir: string, plan: InitPlan, state: FolderState): string[] {
  const wrote = new Set(plan.files.map((f) => f.path))
  const pkg = wrote.has('package.json') ? { listsMarpSite: true, scripts: Object.keys(SCRIPTS) } : state.packageJson
  const steps: string[] = []
  if (dir !== '.') steps.push(`cd ${/^[\w./-]+$/.test(dir) ? dir : JSON.stringify(dir)}`)
  if (pkg?.listsMarpSite)
    steps.push(`npm install${wrote.has('package.json') ? '                 # installs marp-site (package.json lists it); commit package-lock.json' : ''}`)
  else steps.push('npm install -D marp-site')
  const missing = Object.entries(SCRIPTS).filter(([name]) => !pkg?.scripts.includes(name))
  if (missing.length > 0) steps.push(`add to the "scripts" of package.json: ${missing.map(([name, command]) => `"${name}": "${command}"`).join(', ')}`)
  steps.push('npm run dev                 # preview while you write, on http://127.0.0.1:8080/')
  steps.push('npm run build               # the site in dist/, with a PDF per deck when a browser is found')
  const ignored = (state.gitignore ?? '').split(/\r?\n/).map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''))
  const unignored = wrote.has('.gitignore') ? [] : ['dist/', 'node_modules/', '.marp-site-cache/'].filter((entry) => !ignored.includes(entry.slice(0, -1)))
  if (unignored.length > 0) steps.push(`add to .gitignore: ${unignored.join(' ')}`)
  if (wrote.has(WORKFLOW_PATH)) {
    steps.push(`GitHub Pages: push ${WORKFLOW_PATH} to main, and set Settings > Pages > Source to "GitHub Actions"`)
  }
  return steps
}

/** A valid npm package name from a folder name. */
export function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-.]+$/g, '')
    .slice(0, 214)
  return name === '' || name === 'node_modules' || name === 'favicon.ico' ? 'slides' : name
}
