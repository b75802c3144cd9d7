import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser'

/**
 * The Marp for VS Code settings of a workspace (`.vscode/settings.json`, JSON with comments) that a
 * site shares with the editor's preview: its themes, HTML and math. Pure: the loader reads the file.
 */
export interface VsCodeMarp {
  /** Local theme files, relative to the workspace (the project root). */
  readonly themes: readonly string[]
  readonly html: boolean | undefined
  readonly math: 'katex' | 'mathjax' | false | undefined
  readonly breaks: boolean | undefined
  readonly warnings: readonly string[]
  /** The file has at least one Marp setting. */
  readonly any: boolean
}

export function readVsCodeSettings(text: string, where: string): VsCodeMarp {
  const errors: ParseError[] = []
  const settings = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown
  const warnings: string[] = []
  if (errors.length > 0 || settings === null || typeof settings !== 'object') {
    const first = errors[0]
    const at = first ? ` at line ${lineOf(text, first.offset)}: ${printParseErrorCode(first.error)}` : ''
    return {
      themes: [],
      html: undefined,
      math: undefined,
      breaks: undefined,
      any: false,
      warnings: [`${where} could not be read${at}; its Marp settings are not used`],
    }
  }
  const get = (key: string): unknown => (settings as Record<string, unknown>)[`markdown.marp.${key}`]
  const themes: string[] = []
  const listed = get('themes')
  if (Array.isArray(listed)) {
    for (const entry of listed) {
      if (typeof entry !== 'string') continue
      if (/^https?:\/\//i.test(entry)) warnings.push(`${where}: theme ${entry} is not fetched (marp-site builds offline); save it in the themes folder`)
      else themes.push(entry)
    }
  }
  // `html` ("off" | "default" | "all") replaced the older boolean `enableHtml`.
  const html = get('html')
  const enableHtml = get('enableHtml')
  const htmlSetting = html === 'all' ? true : html === 'off' ? false : html === 'default' ? undefined : enableHtml === true ? true : undefined
  const mathSetting = get('mathTypesetting')
  const math = mathSetting === 'off' ? false : mathSetting === 'katex' || mathSetting === 'mathjax' ? mathSetting : undefined
  const breaksSetting = get('breaks')
  const breaks = breaksSetting === 'off' ? false : breaksSetting === 'on' ? true : undefined
  const any = Object.keys(settings).some((k) => k.startsWith('markdown.marp.'))
  return { themes, html: htmlSetting, math, breaks, warnings, any }
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}
