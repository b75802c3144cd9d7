import process from 'node:process'
import { startThreadsEarly } from './early.js'

const early = startThreadsEarly(process.argv.slice(2)) ? (await import('../render/threads.js')).startEarlyThreads() : undefined
const { default: pc } = await import('picocolors')
const { main } = await import('./main.js')

// The process boundary: the only place that reads process state, handles signals and exits.
const controller = new AbortController()
/**
 * The signal that stopped the build. A hang-up (the terminal closed) stops it like Ctrl-C: its work is
 * cleaned up (the browser closed, the staging folder removed) rather than left behind by the default
 * action, which ends the process on the spot. It exits 129 (128 + SIGHUP), as a shell reports a
 * process the signal killed, so a script can tell a closed terminal from Ctrl-C (130).
 */
let interrupted: NodeJS.Signals | undefined
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(signal === 'SIGHUP' ? 129 : 130) // a second Ctrl-C: stop now
  interrupted = signal
  controller.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
process.on('SIGHUP', onSignal)
// After a hang-up the terminal is gone: a failed write to it must not stop the clean-up.
const { swallowed } = await import('../log.js')
process.stdout.on('error', swallowed('cli', 'writing to stdout'))
process.stderr.on('error', swallowed('cli', 'writing to stderr'))

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  color: pc.isColorSupported && process.stderr.isTTY === true,
  signal: controller.signal,
  ...(early ? { early } : {}),
})
process.exitCode = interrupted === 'SIGHUP' && code === 130 ? 129 : code
