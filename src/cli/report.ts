import type pc from 'picocolors'
import type { BuildResult } from '../build/index.js'
import { countBySeverity, location, type Problem } from '../problems.js'

type Colors = ReturnType<typeof pc.createColors>

/** Problems grouped by file, in the `file:line  severity  message  rule` shape editors can jump to. */
export function formatProblems(problems: readonly Problem[], c: Colors): string {
  const byFile = new Map<string, Problem[]>()
  for (const p of problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p])
  const lines: string[] = []
  for (const [file, list] of byFile) {
    lines.push(c.underline(file))
    for (const p of list) {
      const sev = p.severity === 'error' ? c.red('error  ') : c.yellow('warning')
      lines.push(`  ${c.dim(location(p))}  ${sev}  ${p.message}  ${c.dim(p.rule)}`)
    }
  }
  return lines.join('\n')
}

export function formatSummary(result: BuildResult, outDisplay: string, c: Colors): string {
  const { errors, warnings } = countBySeverity(result.problems)
  const built = result.decks.length - result.kept.length
  const parts = [`${built} ${built === 1 ? 'deck' : 'decks'}`, `${result.slides} ${result.slides === 1 ? 'slide' : 'slides'}`]
  const pdfs = result.decks.filter((d) => d.pdf !== null).length
  if (result.pdf.browser !== undefined) parts.push(`${pdfs} ${pdfs === 1 ? 'PDF' : 'PDFs'}${result.pdf.reused > 0 ? ` (${result.pdf.reused} unchanged)` : ''}`)
  if (result.kept.length > 0) {
    const n = result.kept.length
    parts.push(`${n} ${n === 1 ? 'deck that failed keeps its page' : 'decks that failed keep their pages'} from the previous build`)
  }
  const counts = `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`
  const seconds = (result.durationMs / 1000).toFixed(2)
  if (result.upToDate) {
    return `${c.green('Up to date:')} nothing changed since the last build; ${parts.join(', ')} in ${outDisplay} (checked in ${seconds} s; ${errors + warnings === 0 ? 'no problems' : counts})`
  }
  const fromCache = result.decks.length - result.kept.length - result.rendered
  if (fromCache > 0) parts[0] += ` (${result.rendered} rendered, ${fromCache} from the cache)`
  const status = errors > 0 ? c.red('Built') : c.green('Built')
  return `${status} ${parts.join(', ')} → ${outDisplay} in ${seconds} s (${errors + warnings === 0 ? 'no problems' : errors > 0 ? c.red(counts) : counts})`
}
