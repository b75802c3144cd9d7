import process from 'node:process'
import { startThreadsEarly } from './early.js'

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
