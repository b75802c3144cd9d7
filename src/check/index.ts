import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildWith } from '../build/index.js'
import { resolveConfig } from '../config/resolve.js'
import type { InlineConfig } from '../config/types.js'
import { slugFor } from '../discover/slug.js'
import { findBrowser } from '../browser/find.js'
import { isInside, toPosix } from '../paths.js'
import { onSlideLines, problemRecord, type Problem, type ProblemRecord } from '../problems.js'
import { findOverflow } from './overflow.js'
import { applyRules, settingFor } from '../rules.js'
import type { EarlyThreads } from '../render/threads.js'

export interface CheckResult {
  readonly problems: readonly ProblemRecord[]
  /** Raw problems, for the text report. */
  readonly raw: readonly Problem[]
  readonly notices: readonly string[]
  readonly decks: number
}

/**
 * `marp-site check`: builds the site into a temporary folder (the real out dir is not touched),
 * collects every problem the build finds, then measures overflow in a browser when one is found.
 */
export async function check(inline: InlineConfig, options: { env?: NodeJS.ProcessEnv; early?: EarlyThreads } = {}): Promise<CheckResult> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'marp-site-check-'))
  try {
    const outDir = path.join(scratch, 'site')
    const config = await resolveConfig({ ...inline, outDir, pdf: false, publish: false })
    const result = await buildWith(config, options.env ? { env: options.env } : {}, {
      stamp: false,
      media: false,
      ...(options.early ? { early: options.early } : {}),
    })
    const notices = [...result.notices]
    const raw: Problem[] = [...result.problems]
    const browser = await findBrowser(config.pdf.browserPath, options.env ?? process.env)
    if (browser) {
      // Decks whose rules switch overflow and crowded off are not measured; the others follow the switches too.
      const measured = result.decks.filter((d) =>
        (['overflow', 'crowded'] as const).some((rule) => settingFor(rule, config.rules, result.deckRules[d.source]) !== 'off'),
      )
      const overflow = await findOverflow({
        siteDir: outDir,
        decks: measured.map((d) => ({ slug: d.slug, source: d.source })),
        browserPath: browser.path,
        timeoutMs: config.pdf.timeoutMs,
      })
      raw.push(...overflow.flatMap((p) => applyRules(onSlideLines([p], result.slideLines[p.file]), config.rules, result.deckRules[p.file])))
    } else {
      notices.push('No Chromium, Chrome or Edge found: the overflow and crowded rules were skipped. Install one or set CHROME_PATH.')
    }
    const slugOf = new Map(result.decks.map((d) => [d.source, d.slug]))
    const problems = raw.map((p): ProblemRecord => {
      const file = path.resolve(config.root, p.file)
      const deck =
        slugOf.get(p.file) ??
        (isInside(config.slidesDir, file) && /\.(md|markdown)$/i.test(file) ? slugFor(toPosix(path.relative(config.slidesDir, file))) : '')
      return problemRecord(deck, p)
    })
    return { problems, raw, notices, decks: result.found }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
