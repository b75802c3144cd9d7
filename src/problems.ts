/** A problem found in one deck (or theme) that does not stop the rest of the build. */
export type Severity = 'error' | 'warning'

export type Rule =
  | 'front-matter'
  | 'encoding'
  | 'read-error'
  | 'empty-slide'
  | 'unknown-theme'
  | 'theme-error'
  | 'missing-asset'
  | 'unsafe-path'
  | 'slug-conflict'
  | 'render-error'
  | 'too-large'
  | 'external-request'
  | 'pdf-error'
  | 'missing-alt'
  | 'overflow'
  | 'broken-link'
  | 'too-deep'

export interface Problem {
  /** Source file, relative to the project root, forward slashes. */
  readonly file: string
  readonly line?: number
  readonly slide?: number
  readonly rule: Rule
  readonly severity: Severity
  readonly message: string
}

export function countBySeverity(problems: readonly Problem[]): { errors: number; warnings: number } {
  let errors = 0
  for (const p of problems) if (p.severity === 'error') errors += 1
  return { errors, warnings: problems.length - errors }
}

/** `slides/a.md:12` style location. */
export function location(problem: Pick<Problem, 'file' | 'line'>): string {
  return problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`
}
