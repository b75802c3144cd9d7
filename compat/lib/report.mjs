// Pure parts of the compatibility comparison: per-slide pixel diffs summed up per deck, and RESULTS.md.

/** Slides whose pixel difference is at most this many percent count as "within tolerance". */
export const TOLERANCE_PCT = 0.1

/** Share of differing pixels in percent, rounded to 3 decimals; a slide whose two sizes differ is 100. */
export function diffPercent(mismatched, width, height) {
  if (width <= 0 || height <= 0) return 100
  return Math.round((mismatched / (width * height)) * 100 * 1000) / 1000
}

/**
 * One deck's row: slides each side, identical, within tolerance, the worst slide, the problems by rule.
 * `slides` holds one entry per slide index compared: `{ slide, diff }` (diff in %, or null when one side has no such slide).
 */
export function summarize(deck) {
  const compared = deck.slides.filter((s) => s.diff !== null)
  const worst = deck.slides.reduce((w, s) => (w === null || (s.diff ?? 100) > (w.diff ?? 100) ? s : w), null)
  return {
    name: deck.name,
    siteSlides: deck.site.slides,
    cliSlides: deck.cli.slides,
    identical: compared.filter((s) => s.diff === 0).length,
    within: compared.filter((s) => s.diff <= TOLERANCE_PCT).length,
    worst: worst === null ? null : { slide: worst.slide, diff: worst.diff ?? 100 },
    problems: deck.site.problems ?? {},
    error: deck.site.error ?? deck.cli.error ?? null,
  }
}

const pct = (n) => (n === null || n === undefined ? '–' : `${n.toFixed(n >= 10 ? 1 : 2)} %`)
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ')

function problemsCell(problems) {
  const entries = Object.entries(problems).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  return entries.length === 0 ? '–' : entries.map(([rule, n]) => `${rule} ×${n}`).join(', ')
}

/** RESULTS.md from every deck's result, in name order. `meta`: { date, versions, seconds, chromium }. */
export function renderResults(decks, meta) {
  const rows = [...decks].sort((a, b) => a.name.localeCompare(b.name)).map((d) => ({ deck: d, sum: summarize(d) }))
  const totals = rows.reduce(
    (t, { sum }) => ({
      decks: t.decks + 1,
      slides: t.slides + Math.max(sum.siteSlides ?? 0, sum.cliSlides ?? 0),
      identical: t.identical + sum.identical,
      within: t.within + sum.within,
      countMismatch: t.countMismatch + (sum.siteSlides === sum.cliSlides ? 0 : 1),
    }),
    { decks: 0, slides: 0, identical: 0, within: 0, countMismatch: 0 },
  )
  const out = [
    '# Compatibility: marp-site against marp-cli',
    '',
    `Written by \`npm run compat\` (compat/run.mjs) on ${meta.date}: ${meta.versions}. Chromium ${meta.chromium}. The last full run took ${meta.seconds} s.`,
    'Each deck is built by both tools, every slide is screenshotted at its own size in the same headless Chromium, and the',
    `two are compared with pixelmatch (threshold 0.1). "within" counts slides that differ by at most ${TOLERANCE_PCT} % of their pixels.`,
    'Problems are those marp-site reported for the deck (its manifest.json), counted by rule. The corpus and its sources: compat/sources.json.',
    '',
    `**${totals.decks} decks, ${totals.slides} slides: ${totals.identical} identical, ${totals.within} within ${TOLERANCE_PCT} %; ${totals.countMismatch} decks with a different slide count.**`,
    '',
    '| deck | slides marp-site | slides marp-cli | identical | within 0.1 % | worst slide | marp-site problems |',
    '|---|---:|---:|---:|---:|---|---|',
  ]
  for (const { sum } of rows) {
    const worst = sum.worst === null ? '–' : `${pct(sum.worst.diff)} (slide ${sum.worst.slide})`
    const note = sum.error ? ` **${cell(sum.error)}**` : ''
    out.push(
      `| ${sum.name} | ${sum.siteSlides ?? '–'} | ${sum.cliSlides ?? '–'} | ${sum.identical} | ${sum.within} | ${worst}${note} | ${cell(problemsCell(sum.problems))} |`,
    )
  }
  out.push('', '## Slides over 0.1 %', '')
  for (const { deck } of rows) {
    const unbuilt = deck.site.slides === null ? 'marp-site' : deck.cli.slides === null ? 'marp-cli' : null
    if (unbuilt) {
      out.push(`- **${deck.name}**: not built by ${unbuilt}: ${cell(deck.site.error ?? deck.cli.error ?? 'no page')}`)
      continue
    }
    const over = deck.slides.filter((s) => s.diff === null || s.diff > TOLERANCE_PCT)
    if (over.length === 0) continue
    const list = over.map((s) => `${s.slide}: ${s.diff === null ? 'only one side' : pct(s.diff)}${s.note ? ` (${s.note})` : ''}`)
    out.push(`- **${deck.name}**: ${list.join('; ')}`)
  }
  out.push(...renderVerdicts(rows.map((r) => r.deck)))
  if (meta.notes) out.push('', meta.notes)
  return `${out.join('\n')}\n`
}

const CHECKS = {
  disk: 'file looked up on disk',
  themes: "theme names read from the deck's theme files",
  requested: 'requested by Chromium',
  referenced: 'remote URL in the built page or its stylesheets, not requested by the page as shown',
  'marp-cli page': "measured on marp-cli's page",
}

/**
 * "Problems checked": per deck, each checked rule's problems reported and confirmed (and by which check), the
 * unconfirmed ones with the reason, and the slides that overflow on marp-cli's page with no overflow reported.
 */
export function renderVerdicts(decks) {
  const checked = decks.filter((d) => d.verdicts)
  const sum = { reported: 0, confirmed: 0, missed: 0 }
  for (const d of checked) {
    for (const t of Object.values(d.verdicts.byRule)) {
      sum.reported += t.reported
      sum.confirmed += t.confirmed
    }
    sum.missed += d.verdicts.missed.length
  }
  const out = [
    '',
    '## Problems checked',
    '',
    "Each `missing-asset`, `external-request`, `overflow` and `crowded` problem marp-site reported is checked without marp-site's code",
    "(compat/lib/verify.mjs, compat/lib/edges.mjs): a missing file is looked up in the deck's folder on disk, name by name (case-sensitive), and a",
    "theme `@import` against the `@theme` names of the deck's theme files; an external request must be among the requests Chromium made loading",
    "marp-site's page with every slide shown (the network refused), or else be a remote URL in that built page or its stylesheets (a font no text",
    "uses, say); an overflow must be a slide of marp-cli's own page where some element's box or text, as far as it is seen, crosses the section's edge by",
    'more than 1 px, and `crowded` one where content (not a header, footer or absolutely placed box) enters its padding. Conversely, every slide',
    "where content crosses the edge on marp-cli's page must have an overflow reported. An unconfirmed problem or a missed overflow fails the run.",
    '',
    `**${sum.reported} problems checked, ${sum.confirmed} confirmed, ${sum.reported - sum.confirmed} unconfirmed; ${sum.missed} overflowing slides unreported.**`,
    '',
    '| deck | reported | confirmed | unconfirmed | how |',
    '|---|---|---:|---:|---|',
  ]
  for (const d of checked) {
    const rules = Object.entries(d.verdicts.byRule).sort((a, b) => a[0].localeCompare(b[0]))
    if (rules.length === 0 && d.verdicts.missed.length === 0) continue
    const reported = rules.map(([rule, t]) => `${rule} ×${t.reported}`).join(', ') || '–'
    const confirmed = rules.reduce((n, [, t]) => n + t.confirmed, 0)
    const how = [...new Set(rules.flatMap(([, t]) => Object.entries(t.checks).map(([c, n]) => `${CHECKS[c] ?? c} ×${n}`)))].join('; ')
    out.push(`| ${d.name} | ${reported} | ${confirmed} | ${d.verdicts.unconfirmed.length} | ${cell(how)} |`)
  }
  const wrong = checked.flatMap((d) => [
    ...d.verdicts.unconfirmed.map((u) => `- **${d.name}**: ${u.rule}${u.slide ? ` on slide ${u.slide}` : ''} (“${cell(u.message)}”): ${cell(u.reason)}`),
    ...d.verdicts.missed.map(
      (m) =>
        `- **${d.name}**: slide ${m.slide} overflows on marp-cli's page (${Object.entries(m.sides)
          .map(([s, px]) => `${px} px ${s}`)
          .join(', ')}) and no overflow was reported`,
    ),
  ])
  out.push('', wrong.length > 0 ? 'Unconfirmed and missed:' : 'No problem unconfirmed, no overflow missed.', '', ...wrong)
  const sides = (o) =>
    Object.entries(o ?? {})
      .map(([s, px]) => `${px} px ${s}`)
      .join(', ') || 'none'
  const layout = checked.filter((d) => d.verdicts.layout?.length)
  if (layout.length > 0) {
    out.push('', "Overflow and crowded slides: the pixels marp-site reported, then those measured on marp-cli's page.", '')
    for (const d of layout) {
      const list = d.verdicts.layout.map((l) => `${l.slide} ${l.rule} ${sides(l.reported)} / ${sides(l.measured)}${l.confirmed ? '' : ' (unconfirmed)'}`)
      out.push(`- **${d.name}**: ${list.join('; ')}`)
    }
  }
  const referenced = checked.filter((d) => d.verdicts.referenced?.length)
  if (referenced.length > 0) {
    out.push('', 'External requests the page as shown did not make, confirmed as remote URLs in the built page or its stylesheets:', '')
    for (const d of referenced) out.push(`- **${d.name}**: ${d.verdicts.referenced.map((u) => `\`${cell(u)}\``).join(', ')}`)
  }
  return out
}
