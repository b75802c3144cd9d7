/**
 * `marp-site init`: scaffolds a site in a folder. The plan (plan.ts) is pure; this is the disk edge:
 * look at the folder, read marp-site's theme, write each planned file only if it is still not there.
 */
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CONFIG_FILE_NAMES } from '../config/load.js'
import { PACKAGE_DIR } from '../config/resolve.js'
import { MarpSiteError, reason } from '../errors.js'
import { VERSION } from '../version.js'
import { INIT_PATHS, type FolderState, type InitPlan, nextSteps, planInit, type SkippedFile } from './plan.js'

export { INIT_PATHS } from './plan.js'

export interface InitResult {
  /** The folder, absolute. */
  readonly dir: string
  /** Files written, relative to the folder. */
  readonly created: readonly string[]
  /** Files left alone, and why. */
  readonly skipped: readonly SkippedFile[]
  /** What to run next, one line each. */
  readonly next: readonly string[]
}

/**
 * Scaffolds a site in `dir` (made when missing). Never replaces a file: one already there is
 * skipped, also one that appears between the look and the write.
 * @param shown how the folder is named in the next steps (`cd <shown>`), `.` for the current one
 */
export async function init(dir: string, shown = '.'): Promise<InitResult> {
  const root = path.resolve(dir)
  await makeFolder(root, dir)
  const themeFile = path.join(PACKAGE_DIR, 'themes', 'marp-site.css')
  const themeCss = await readFile(themeFile, 'utf8').catch((error: unknown) => {
    throw new MarpSiteError('INTERNAL', `marp-site's theme is missing (${themeFile}): ${reason(error)}`, { cause: error })
  })
  const state = await folderState(root)
  const plan = planInit(state, { themeCss, version: VERSION })
  const created: string[] = []
  const skipped: SkippedFile[] = [...plan.skipped]
  for (const file of plan.files) {
    const target = path.join(root, ...file.path.split('/'))
    try {
      await mkdir(path.dirname(target), { recursive: true })
      // `wx`: fails rather than replaces a file made since the look.
      await writeFile(target, file.content, { flag: 'wx' })
      created.push(file.path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') skipped.push({ path: file.path, reason: 'already there' })
      else throw new MarpSiteError('IO', `Cannot write ${path.join(dir, file.path)}: ${reason(error)}`, { cause: error })
    }
  }
  const done: InitPlan = { files: plan.files.filter((f) => created.includes(f.path)), skipped }
  return { dir: root, created, skipped, next: nextSteps(shown, done, state) }
}

async function makeFolder(root: string, given: string): Promise<void> {
  const found = await stat(root).catch(() => undefined)
  if (found !== undefined && !found.isDirectory()) throw new MarpSiteError('USAGE', `${given} is not a folder`)
  try {
    await mkdir(root, { recursive: true })
  } catch (error) {
    throw new MarpSiteError('IO', `Cannot make the folder ${given}: ${reason(error)}`, { cause: error })
  }
}

/** What of the scaffold the folder already has. */
async function folderState(root: string): Promise<FolderState> {
  const existing = new Set(INIT_PATHS.filter((file) => existsSync(path.join(root, ...file.split('/')))))
  const pkg = await readJson(path.join(root, 'package.json'))
  const lists = (key: string) => typeof pkg?.[key] === 'object' && pkg[key] !== null && 'marp-site' in (pkg[key] as object)
  const file = CONFIG_FILE_NAMES.find((name) => existsSync(path.join(root, name)))
  return {
    name: path.basename(root),
    existing,
    config: file ?? (pkg !== undefined && 'marpSite' in pkg ? 'package.json#marpSite' : undefined),
    hasDecks: hasMarkdown(path.join(root, 'slides')),
    packageJson:
      pkg === undefined
        ? undefined
        : {
            listsMarpSite: lists('dependencies') || lists('devDependencies'),
            scripts: typeof pkg['scripts'] === 'object' && pkg['scripts'] !== null ? Object.keys(pkg['scripts']) : [],
          },
    gitignore: await readFile(path.join(root, '.gitignore'), 'utf8').catch(() => undefined),
  }
}

/** A JSON object file, or undefined when it is missing or not a JSON object. */
async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    // Missing, unreadable or not JSON: nothing init relies on (it never writes over it).
    return undefined
  }
}

function hasMarkdown(dir: string): boolean {
  try {
    return readdirSync(dir, { recursive: true }).some((name) => /\.(md|markdown)$/i.test(String(name)))
  } catch {
    // No slides folder yet.
    return false
  }
}
