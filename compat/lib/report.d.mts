// Types of report.mjs, for the unit test (test/compat-report.test.ts).
export const TOLERANCE_PCT: number

export interface SlideDiff {
  readonly slide: number
  /** Percent of differing pixels; null when only one side has the slide. */
  readonly diff: number | null
  readonly note?: string
}

export interface DeckResult {
  readonly name: string
  readonly site: { readonly slides: number | null; readonly problems?: Readonly<Record<string, number>>; readonly error?: string }
  readonly cli: { readonly slides: number | null; readonly error?: string }
  readonly slides: readonly SlideDiff[]
}

export interface DeckSummary {
  readonly name: string
  readonly siteSlides: number | null
  readonly cliSlides: number | null
  readonly identical: number
  readonly within: number
  readonly worst: { readonly slide: number; readonly diff: number } | null
  readonly problems: Readonly<Record<string, number>>
  readonly error: string | null
}

export function diffPercent(mismatched: number, width: number, height: number): number
export function summarize(deck: DeckResult): DeckSummary
export function renderResults(
  decks: readonly DeckResult[],
  meta: { readonly date: string; readonly versions: string; readonly chromium: string; readonly seconds: number; readonly notes?: string },
): string
