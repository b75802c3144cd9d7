/** What templates receive. Documented in the README ("Templates"); keep the two in step. */

import type { SocialTags } from '../publish/social.js'

export interface SiteData {
  readonly title: string
  readonly description: string
  readonly lang: string
  /** The site's public URL (config `url`), ending in `/`. */
  readonly baseUrl: string | undefined
  /** Config `ogImage`, as written. */
  readonly ogImage?: string | undefined
  /** Whether this build makes each deck's slide-1 social card. */
  readonly cards?: boolean | undefined
  readonly generator: string
  /** The site's icon: a site path (`_assets/favicon.<hash>.svg`, link it under `page.root`), or a `data:` URL. */
  readonly favicon: string
  readonly themeColor: string
}

/** A file of a deck to download (its PDF, its PPTX), with its size. */
export interface Download {
  readonly kind: 'pdf' | 'pptx'
  /** `PDF`, `PowerPoint`. */
  readonly label: string
  /** Site path, encoded: link it under `page.root`. */
  readonly href: string
  readonly bytes: number
  /** `1.4 MB`. */
  readonly size: string
}

/** The index thumbnail as an image (slide 1), when one was taken. */
export interface ThumbImage {
  /** Site path, encoded. */
  readonly src: string
  readonly width: number
  readonly height: number
}

export interface DeckSummary {
  readonly slug: string
  readonly source: string
  /** No content: built, but not on the index (like a draft). */
  readonly empty: boolean
  readonly title: string
  readonly description: string
  readonly author: string | undefined
  readonly date: string | undefined
  readonly tags: readonly string[]
  readonly slides: number
  readonly draft: boolean
  /** Links, relative to the page being rendered. */
  readonly href: string
  readonly pdfHref: string | undefined
  readonly thumbHref: string
  /** Slide 1 as an image, where a browser took one: the index shows it instead of the live thumbHref page. */
  readonly thumb: ThumbImage | undefined
  /** The files to download that exist (PDF, PPTX), with their sizes. */
  readonly downloads: readonly Download[]
  readonly width: number
  readonly height: number
  readonly errors: number
  readonly warnings: number
}

export interface SlideData {
  readonly number: number
  /** The slide's `<svg>`; output it with `| raw`. */
  readonly html: string
  readonly notes: string
}

export interface PageAssets {
  /** Relative prefix to the site root, `../../` or `` for the index. */
  readonly root: string
  readonly indexHref: string
  readonly css: readonly string[]
  readonly scripts: readonly string[]
}

export interface DeckPageData {
  readonly site: SiteData
  /** `dataJson`: the runtime's data (title, notes, index link), already safe to output with `| raw`. */
  readonly deck: DeckSummary & { readonly lang: string; readonly dataJson: string }
  readonly slides: readonly SlideData[]
  readonly page: PageAssets
  /** Open Graph and Twitter tag values (see publish/social.ts); the layout writes them. */
  readonly social: SocialTags
}

export interface IndexPageData {
  readonly site: SiteData
  readonly decks: readonly DeckSummary[]
  readonly page: PageAssets
  /** The same decks by folder: the sections of the page (see write/browse.ts). */
  readonly sections: readonly IndexSection[]
  /** The tags, authors and years to filter by, with counts, and the data the index script reads. */
  readonly browse: BrowseData
  /** Site paths of the search engine and the search data, loaded when someone searches; undefined: no search. */
  readonly search: { readonly engine: string; readonly data: string } | undefined
  readonly social: SocialTags
}

export interface IndexSection {
  /** The decks' folder in the site (`talks/2024`), `` for the decks at the top. */
  readonly folder: string
  /** Its heading; `` for the top folder, which has none. */
  readonly title: string
  /** An id for the heading (`section-talks-2024`). */
  readonly id: string
  readonly decks: readonly DeckSummary[]
}

export interface Facet {
  readonly value: string
  readonly count: number
}

export interface BrowseData {
  readonly tags: readonly Facet[]
  readonly authors: readonly Facet[]
  readonly years: readonly Facet[]
  /** Each listed deck's fields the filters and sorts read, as JSON safe inside a `<script>` element (`| raw`). */
  readonly json: string
}

export interface ThumbPageData {
  readonly site: SiteData
  readonly deck: DeckSummary
  readonly slide: SlideData | undefined
  readonly page: PageAssets
}
