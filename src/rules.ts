import type { Problem, Rule } from './problems.js'

/**
 * The rules a project (config `rules`) or a deck (front-matter `rules`) may switch off or change
 * the severity of. The others (a deck that cannot be read or parsed, a failed render or print, an
 * unsafe path) always stand: they mean a deck is missing or wrong in the site.
 */
export const SWITCHABLE_RULES = ['overflow', 'missing-asset', 'missing-alt', 'unknown-theme', 'external-request', 'broken-link', 'empty-slide'] as const satisfies readonly Rule[]
export type SwitchableRule = (typeof SWITCHABLE_RULES)[number]

export type RuleSetting = 'off' | 'warning' | 'error'
export type RuleSettings = Readonly<Partial<Record<SwitchableRule, RuleSetting>>>

const SETTINGS: readonly RuleSetting[] = ['off', 'warning', 'error']

export function isSwitchable(rule: string): rule is SwitchableRule {
  return (SWITCHABLE_RULES as readonly string[]).includes(rule)
}

/** `false` (YAML's `off` in some editors' eyes) means off. */
export function ruleSetting(value: unknown): RuleSetting | undefined {
  if (value === false) return 'off'
  return typeof value === 'string' && (SETTINGS as readonly string[]).includes(value) ? (value as RuleSetting) : undefined
}

/**
 * A deck's `rules:` front-matter: `{ overflow: off, missing-alt: error }`. What cannot be used is
 * described in `errors`, and the rest applies.
 */
export function parseRuleSettings(value: unknown): { settings: RuleSettings; errors: string[] } {
  if (value === undefined || value === null) return { settings: {}, errors: [] }
  if (typeof value !== 'object' || Array.isArray(value)) return { settings: {}, errors: ['`rules` must be a map of rule: off | warning | error'] }
  const settings: Partial<Record<SwitchableRule, RuleSetting>> = {}
  const errors: string[] = []
  for (const [rule, raw] of Object.entries(value as Record<string, unknown>)) {
    const setting = ruleSetting(raw)
    if (!isSwitchable(rule)) errors.push(`rules: "${rule}" cannot be switched (rules that can: ${SWITCHABLE_RULES.join(', ')})`)
    else if (setting === undefined) errors.push(`rules: ${rule} must be off, warning or error`)
    else settings[rule] = setting
  }
  return { settings, errors }
}

/** Applies rule settings to problems, later settings winning (the config's, then the deck's). */
export function applyRules(problems: readonly Problem[], ...layers: readonly (RuleSettings | undefined)[]): Problem[] {
  const out: Problem[] = []
  for (const problem of problems) {
    let setting: RuleSetting | undefined
    if (isSwitchable(problem.rule)) for (const layer of layers) setting = layer?.[problem.rule] ?? setting
    if (setting === 'off') continue
    out.push(setting === undefined || setting === problem.severity ? problem : { ...problem, severity: setting })
  }
  return out
}

/** The severity a switchable rule has for a deck (or 'off'), given its usual severity and the switches. */
export function settingFor(rule: SwitchableRule, usual: 'warning' | 'error', ...layers: readonly (RuleSettings | undefined)[]): RuleSetting {
  let setting: RuleSetting = usual
  for (const layer of layers) setting = layer?.[rule] ?? setting
  return setting
}
