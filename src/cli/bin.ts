import { existsSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'

/**
 * Decks render on worker threads that take ~0.5 s to load marp-core. For `dev`, and for a project's
 * first build or check, one is started before anything else, to load it while this thread loads the
 * CLI and reads the config. Not for a project built before (its build cache has a stamp): its build
 * is most likely up to date or renders a few decks (and a check finds most renders in the cache),
 * and a thread it does not need costs it more than it saves. Only a hint, read before the CLI parses
 * the arguments; threads no command takes over are stopped when it ends.
 */
function startThreadsEarly(args: readonly string[]): boolean {
  // `dev` always keeps a render thread, also when every deck comes from the cache.
  if (args[0] === 'dev') return true
  if (args[0] !== 'build' && args[0] !== 'check') return false
  if (args.includes('--no-cache')) return true
  const root = args[1] !== undefined && !args[1].startsWith('-') ? args[1] : '.'
  return !['node_modules/.cache/marp-site', '.marp-site-cache'].some((dir) => existsSync(path.join(root, dir, 'sites')))
}

const early = startThreadsEarly(process.argv.slice(2)) ? (await import('../render/threads.js')).startEarlyThreads() : undefined
const { default: pc } = await import('picocolors')
const { main } = await import('./main.js')

// The process boundary: the only place that reads process state, handles signals and exits.
const controller = new AbortController()
let interrupted = false
const onSignal = () => {
  if (interrupted) process.exit(130) // a second Ctrl-C: stop now
  interrupted = true
  controller.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  color: pc.isColorSupported && process.stderr.isTTY === true,
  signal: controller.signal,
  ...(early ? { early } : {}),
})
process.exitCode = code
