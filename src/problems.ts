import type { Problem, Severity } from './rules.js'

// A Problem is made by `problem` in rules.ts, which owns it with the rule table.
export type { Problem, Rule, Severity } from './rules.js'

/**
 * A problem as it leaves marp-site, the same wherever it goes: each deck's `problems` in
 * manifest.json, `check --format json`, and the dev server's live channel. `deck` is the deck's slug,
 * or `''` for a problem of the site (a theme, the config, a template). `rule` is a string: the dev
 * server also sends errors that stop a whole build (`config`, `template`, ...) this way.
 */
export interface ProblemRecord {
  readonly deck: string
  readonly file: string
  readonly line?: number
  readonly slide?: number
  readonly rule: string
  readonly severity: Severity
  readonly message: string
}

export function problemRecord(deck: string, p: Pick<Problem, 'file' | 'line' | 'slide' | 'severity' | 'message'> & { readonly rule: string }): ProblemRecord {
  return {
    deck,
    file: p.file,
    ...(p.line === undefined ? {} : { line: p.line }),
    ...(p.slide === undefined ? {} : { slide: p.slide }),
    rule: p.rule,
    severity: p.severity,
    message: p.message,
  }
}

export function countBySeverity(problems: readonly Pick<Problem, 'severity'>[]): { errors: number; warnings: number } {
  let errors = 0
  for (const p of problems) if (p.severity === 'error') errors += 1
  return { errors, warnings: problems.length - errors }
}

/** `slides/a.md:12` style location. */
export function location(p: Pick<Problem, 'file' | 'line'>): string {
  return p.line === undefined ? p.file : `${p.file}:${p.line}`
}

/**
 * Problems found at a slide (overflow, measured in a browser) placed on the line where that slide starts
 * in its deck (`slideLines[i]`: the first line of slide i + 1), so that editors can jump to them.
 * Problems with a line already, or without a slide, are left as they are.
 */
export function onSlideLines<P extends { readonly slide?: number | undefined; readonly line?: number | undefined }>(
  problems: readonly P[],
  slideLines: readonly number[] | undefined,
): P[] {
  return problems.map((p) => {
    const line = p.slide === undefined || p.line !== undefined ? undefined : slideLines?.[p.slide - 1]
    return line === undefined ? p : { ...p, line }
  })
}
