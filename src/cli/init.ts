import path from 'node:path'
import type pc from 'picocolors'
import type { CliIO } from './main.js'

/** `marp-site init [dir]`: scaffolds the site, then says what it wrote, what it left alone and what to run next. */
export async function runInit(dir: string | undefined, io: CliIO, c: ReturnType<typeof pc.createColors>): Promise<number> {
  const { init } = await import('../init/index.js')
  const target = path.resolve(io.cwd, dir ?? '.')
  const shown = path.relative(io.cwd, target) || '.'
  const result = await init(target, shown)
  const where = shown === '.' ? 'here' : `in ${shown}`
  if (result.created.length > 0) {
    io.stdout.write(`${c.green('Created')} ${where}:\n${result.created.map((file) => `  ${file}\n`).join('')}`)
  } else {
    io.stdout.write(`Nothing to create ${where}: every file of the scaffold is already there.\n`)
  }
  if (result.skipped.length > 0) {
    io.stdout.write(`${c.yellow('Skipped')} (left as they were):\n${result.skipped.map((s) => `  ${s.path}  ${c.dim(`(${s.reason})`)}\n`).join('')}`)
  }
  io.stdout.write(`\nNext:\n${result.next.map((step) => `  ${step}\n`).join('')}`)
  return 0
}
