export type Severity = 'error' | 'warning'

export interface RuleInfo {
  /** The severity a problem of this rule has unless a config or deck switch says otherwise. */
  readonly severity: Severity
  /** Whether config `rules` and front-matter `rules` may switch it off or change its severity. */
  readonly switchable: boolean
  /** One line for the docs: what the rule finds. */
  readonly doc: string
}

/**
 * Every rule a problem can be raised under: its default severity, whether a project or a deck may
 * switch it, and what it finds. Each place that raises a problem takes its severity from here (see
 * `problem`). A problem that keeps a deck (or a theme) out of the site is an error whatever the
 * table says: `slug-conflict` is a warning when the deck is still built. (`front-matter` never keeps
 * one out: Marp renders a deck whatever its front-matter.)
 * The rules that cannot be switched mean a deck is missing or wrong in the site.
 */
export const RULES = {
  overflow: { severity: 'error', switchable: true, doc: 'slide content that runs past the edge of the slide, or is cut off by it (measured in a browser)' },
  crowded: {
    severity: 'warning',
    switchable: true,
    doc: 'slide content that stays inside the slide but runs into its padding, where the header, footer and page number sit (measured in a browser)',
  },
  'missing-asset': { severity: 'error', switchable: true, doc: 'an image, background or CSS url() that is not there' },
  'missing-alt': { severity: 'warning', switchable: true, doc: 'an image without alt text' },
  'unknown-theme': { severity: 'error', switchable: true, doc: 'a theme named by a deck or the config that is not registered' },
  'external-request': { severity: 'warning', switchable: true, doc: 'a file fetched from outside the site (the page needs a network)' },
  'broken-link': { severity: 'error', switchable: true, doc: 'a link to a deck file that is not a deck of the site' },
  'empty-slide': { severity: 'warning', switchable: true, doc: 'a slide with no content (two slide breaks in a row), or a deck with none' },
  'front-matter': { severity: 'warning', switchable: false, doc: 'front-matter that cannot be read, or a key marp-site cannot use' },
  encoding: { severity: 'error', switchable: false, doc: 'a deck that is not UTF-8 text (binary, or invalid UTF-8)' },
  'read-error': { severity: 'error', switchable: false, doc: 'a deck that cannot be read (permissions, a dangling symlink, a FIFO, socket or device)' },
  'theme-error': { severity: 'error', switchable: false, doc: 'a theme file marp-core cannot register (CSS syntax, no `@theme` name, a bad `@import`)' },
  'unsafe-path': {
    severity: 'error',
    switchable: false,
    doc: 'a file reference that leads outside the project, to a hidden file, into node_modules, or is a file: URL',
  },
  'slug-conflict': { severity: 'warning', switchable: false, doc: 'two decks that map to the same page, a reserved URL, or one file listed twice' },
  'render-error': { severity: 'error', switchable: false, doc: 'marp-core failed on a deck, or took longer than the render time limit' },
  'too-large': { severity: 'error', switchable: false, doc: 'a deck over the size limit' },
  'pdf-error': { severity: 'error', switchable: false, doc: 'a PDF that could not be made (the browser failed, crashed or timed out)' },
  'card-error': { severity: 'warning', switchable: false, doc: 'a social card (slide 1 as a 1200×630 picture) that could not be made' },
  'unknown-transition': {
    severity: 'warning',
    switchable: true,
    doc: 'a `transition` directive naming neither a built-in transition nor keyframes of the theme or deck (the slide changes instantly)',
  },
  diagram: {
    severity: 'error',
    switchable: true,
    doc: 'a Mermaid diagram that cannot be drawn (a parse error, or a diagram type the renderer lacks); the slide shows its source',
  },
  'code-lines': {
    severity: 'warning',
    switchable: true,
    doc: 'a code fence whose line list (`{1,3-5}`, `{1|3-5|7}`) cannot be read, or names lines past the end of the code',
  },
  'too-deep': { severity: 'warning', switchable: false, doc: 'Markdown nested deeper than markdown-it parses (the rest is left out)' },
} as const satisfies Record<string, RuleInfo>

export type Rule = keyof typeof RULES

/** A problem found in one deck (or theme) that does not stop the rest of the build. */
export interface Problem {
  /** Source file, relative to the project root, forward slashes. */
  readonly file: string
  readonly line?: number
  readonly slide?: number
  readonly rule: Rule
  readonly severity: Severity
  readonly message: string
}

/** Where a problem is: its file (relative to the project root, forward slashes), and line or slide when known. */
export interface ProblemPlace {
  readonly file: string
  readonly line?: number | undefined
  readonly slide?: number | undefined
}

/**
 * A problem of `rule` at `place`, with the rule's severity; `blocking`: it keeps the deck (or theme)
 * out of the site, which is always an error.
 */
export function problem(rule: Rule, place: ProblemPlace, message: string, options: { blocking?: boolean } = {}): Problem {
  return {
    file: place.file,
    ...(place.line === undefined ? {} : { line: place.line }),
    ...(place.slide === undefined ? {} : { slide: place.slide }),
    rule,
    severity: options.blocking ? 'error' : RULES[rule].severity,
    message,
  }
}

export type SwitchableRule = { [R in Rule]: (typeof RULES)[R]['switchable'] extends true ? R : never }[Rule]

/** The rules a project (config `rules`) or a deck (front-matter `rules`) may switch off or change the severity of. */
export const SWITCHABLE_RULES = (Object.keys(RULES) as Rule[]).filter((rule): rule is SwitchableRule => RULES[rule].switchable) as unknown as readonly [
  SwitchableRule,
  ...SwitchableRule[],
]

export type RuleSetting = 'off' | Severity
export type RuleSettings = Readonly<Partial<Record<SwitchableRule, RuleSetting>>>

const SETTINGS: readonly RuleSetting[] = ['off', 'warning', 'error']

export function isSwitchable(rule: string): rule is SwitchableRule {
  return rule in RULES && RULES[rule as Rule].switchable
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
  for (const p of problems) {
    let setting: RuleSetting | undefined
    if (isSwitchable(p.rule)) for (const layer of layers) setting = layer?.[p.rule] ?? setting
    if (setting === 'off') continue
    out.push(setting === undefined || setting === p.severity ? p : { ...p, severity: setting })
  }
  return out
}

/** The severity a switchable rule has for a deck (or 'off'): the table's, then the switches. */
export function settingFor(rule: SwitchableRule, ...layers: readonly (RuleSettings | undefined)[]): RuleSetting {
  let setting: RuleSetting = RULES[rule].severity
  for (const layer of layers) setting = layer?.[rule] ?? setting
  return setting
}
