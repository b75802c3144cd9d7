import { debug } from '../log.js'
import { recordMedia, reuseMedia } from '../media/files.js'
import { planKey, type MediaFiles, type MediaPlan, type MediaRecord } from '../media/plan.js'
import type { Download } from '../template/data.js'
import type { SearchRecord } from './search-index.js'
import type { Staging } from './outdir.js'
import { pdfPath } from './pages.js'

/**
 * What each deck's pages were made from (a digest of every value the templates were given) and the
 * files as written, so that the next build can reuse a page whose inputs have not changed.
 */
export type PageRecords = Readonly<Record<string, PageRecordOf>>

export interface PageRecordOf {
  readonly key: string
  readonly files: Readonly<Record<string, string>>
  /**
   * The deck's PDF as that build left it: the content key it was printed from (see DeckPage) and the
   * file's stamp. A build that makes no PDFs (`--no-pdf`, dev) keeps and links a PDF whose content key
   * is still the deck's, instead of deleting it.
   */
  readonly pdf?: { readonly content: string; readonly state: string } | undefined
  /** The deck's pictures and PPTX as that build left them: reused while made from the same content and plan. */
  readonly media?: MediaRecord | undefined
  /** The downloads its page shows (with their sizes): a build that makes them again expects the same. */
  readonly downloads?: readonly Download[] | undefined
  /** The deck's search record (write/search-index.ts), kept for the next build. */
  readonly search?: SearchRecord | undefined
}

export type PageRecord = {
  key: string
  files: Record<string, string>
  pdf?: PageRecordOf['pdf']
  media?: MediaRecord | undefined
  downloads?: readonly Download[] | undefined
  search?: SearchRecord | undefined
}

/** The config's media plan, and the browser of a build that takes pictures (undefined: it takes none). */
export interface WriterMedia {
  readonly plan: MediaPlan
  readonly browser: string | undefined
}

/**
 * The outputs of the previous build that this one keeps: a PDF (by a build that prints none) and the
 * media (by any build) whose content key is still the deck's and whose files are as that build left
 * them. Each kept file is linked into the new site.
 */
export class KeptOutputs {
  /** Slug → content key of each PDF kept and linked by a build that makes none. */
  readonly pdfs = new Map<string, string>()
  /** Slug → media kept, with the content key and browser they were made from. */
  readonly media = new Map<string, { readonly files: MediaFiles; readonly content: string; readonly browser: string }>()

  constructor(
    private readonly staging: Staging,
    private readonly previous: PageRecords | undefined,
    private readonly plan: WriterMedia | undefined,
  ) {}

  /** Keeps the previous PDF of a deck when printing the deck now would make the same (same content key, file as left). */
  async keepPdf(slug: string, content: string): Promise<boolean> {
    const before = this.previous?.[slug]?.pdf
    if (before === undefined) return false
    if (content !== before.content || !(await this.staging.reuse(pdfPath(slug), before.state))) {
      debug('cache')('the PDF of %s is not kept: %s', slug, content !== before.content ? 'the deck changed since it was printed' : 'the file changed')
      return false
    }
    debug('cache')('kept the PDF of %s (content %s)', slug, content)
    this.pdfs.set(slug, content)
    return true
  }

  /**
   * Keeps the previous media of a deck when taken from the same content with the same plan (and, by a
   * build that takes pictures, the same browser), every file as left.
   */
  async keepMedia(slug: string, content: string): Promise<MediaFiles | undefined> {
    const before = this.previous?.[slug]?.media
    if (!this.plan || !before) return undefined
    const why =
      before.content !== content
        ? 'the deck changed since they were taken'
        : before.plan !== planKey(this.plan.plan)
          ? 'the images or pptx config changed'
          : this.plan.browser !== undefined && before.browser !== this.plan.browser
            ? 'another browser takes them'
            : undefined
    const files = why === undefined ? await reuseMedia(this.staging, before) : undefined
    if (files) debug('cache')('kept the media of %s', slug)
    else debug('cache')('the media of %s are not kept: %s', slug, why ?? 'a file changed')
    if (files) this.media.set(slug, { files, content, browser: before.browser })
    return files
  }

  /** Records the media this build made or kept, as written, in the page records. */
  async record(records: Record<string, PageRecord>, made: ReadonlyMap<string, { files: MediaFiles; content: string }>): Promise<void> {
    if (!this.plan) return
    const plan = planKey(this.plan.plan)
    const all = new Map([...this.media, ...[...made].map(([slug, m]) => [slug, { ...m, browser: this.plan?.browser ?? '' }] as const)])
    await Promise.all(
      [...all].map(async ([slug, m]) => {
        const record = records[slug]
        if (record) record.media = await recordMedia(this.staging, m.files, { content: m.content, plan, browser: m.browser })
      }),
    )
  }
}
