import { launchForDecks } from '../browser/launch.js'
import { overflowOutput } from '../browser/overflow.js'
import { serveDir } from '../browser/server.js'
import { visitDecks, type DeckJob, type VisitFailure } from '../browser/visit.js'
import { encodePath } from '../discover/slug.js'
import { MarpSiteError } from '../errors.js'
import type { Problem } from '../problems.js'

export interface OverflowTarget {
  readonly slug: string
  readonly source: string
}

/** Names the profiles of check's browsers (tests look for leftover processes by it). */
const PROFILE_PREFIX = 'marp-site-check-browser-'

/**
 * The `overflow` and `crowded` rules, measured in a real browser: every slide of every deck is laid
 * out at its own size (print media), and content past the slide's edge (or only in its padding) is
 * reported with the slide number, the side and by how much (see measureOverflow).
 *
 * Each deck page is loaded as served (`page`: its runtime on, the browser's default viewport), as
 * check always has. A browser that does not start, or a deck that cannot be measured, fails the check.
 */
export async function findOverflow(options: { siteDir: string; decks: readonly OverflowTarget[]; browserPath: string; timeoutMs: number }): Promise<Problem[]> {
  if (options.decks.length === 0) return []
  const server = await serveDir(options.siteDir)
  try {
    const launch = () => launchForDecks(options.browserPath, options.timeoutMs, { profilePrefix: PROFILE_PREFIX })
    // Started here, not by visitDecks, so that a browser that cannot start is an error of the check
    // (with the browser's own words), not a problem of each deck.
    const started = await launch()
    const jobs = options.decks.map((deck): DeckJob => ({ slug: deck.slug, source: deck.source, page: `${encodePath(deck.slug)}/index.html` }))
    const results = await visitDecks(jobs, {
      outputs: [overflowOutput],
      launch,
      prelaunched: Promise.resolve(started),
      base: server.base,
      load: 'page',
      timeoutMs: options.timeoutMs,
    })
    const problems: Problem[] = []
    for (const result of results) {
      if (!result.ok)
        throw new MarpSiteError('BROWSER', `Cannot measure ${result.job.source} for the overflow rule: ${failureText(result.failure, options.timeoutMs)}`)
      problems.push(...result.problems)
    }
    return problems
  } finally {
    await server.close()
  }
}

function failureText(failure: VisitFailure, timeoutMs: number): string {
  switch (failure.kind) {
    case 'no-browser':
      return `the browser did not start (${failure.reason})`
    case 'timeout':
      return `it took longer than ${Math.round(timeoutMs / 1000)} s (config pdf.timeout)`
    case 'crashed':
      return 'the browser crashed'
    case 'error':
      return failure.reason
  }
}
