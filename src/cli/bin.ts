import process from 'node:process'

// A build renders on worker threads that take ~0.5 s to load marp-core: started first, they load
// it while this thread loads the CLI and reads the config. Only a hint read before the CLI parses
// the arguments: threads no command takes over are stopped when it ends.
const early = process.argv[2] === 'build' ? (await import('../render/threads.js')).startEarlyThreads() : undefined
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
