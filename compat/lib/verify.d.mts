// Types of verify.mjs, for the unit test (test/compat-verify.test.ts).
export interface Checked {
  readonly confirmed: boolean
  readonly check: string
  readonly reason: string
}
export interface ReportedProblem {
  readonly rule: string
  readonly message: string
  readonly slide?: number
}
export type Sides = Readonly<Partial<Record<'top' | 'right' | 'bottom' | 'left', number>>>
export interface Measured {
  readonly overflow: Sides
  readonly crowded: Sides
}

export const VERIFIED_RULES: readonly string[]
export function missingTarget(message: string): { url: string } | { theme: string } | null
export function localPath(url: string): string | null
export function exactEntry(file: string): Promise<'file' | 'directory' | 'other' | null>
export function verifyMissingAsset(
  p: ReportedProblem,
  ctx: { readonly deckDir: string; readonly projectDir: string; readonly themeNames: readonly string[] },
): Promise<Checked>
export function requestTarget(message: string): string | null
export function isRemote(url: string): boolean
export function verifyExternalRequest(p: ReportedProblem, ctx: { readonly requested: readonly string[]; readonly texts: readonly string[] }): Checked
export function reportedSides(message: string): Sides
export function verifyLayout(
  problems: readonly ReportedProblem[],
  measured: readonly Measured[],
): { verdicts: (Checked & { problem: ReportedProblem })[]; missed: { slide: number; sides: Sides }[] }
