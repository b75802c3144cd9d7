import { encodePath } from '../discover/slug.js'

/**
 * The Open Graph and Twitter tags of a page (`social` in the templates). Pure: the site's public
 * URL, the card plan and the deck's metadata in, tag values out. Without the site's URL only the tags
 * that may be relative-free are given (title, description, type, card kind): og:url and og:image must be
 * absolute URLs.
 */
export interface SocialTags {
  readonly type: 'website' | 'article'
  readonly siteName: string
  readonly title: string
  readonly description: string
  /** Absolute URL of the page; undefined without the site's URL. */
  readonly url: string | undefined
  /** Absolute URL of the picture shared links show; undefined when there is none (or no site URL). */
  readonly image: string | undefined
  readonly imageAlt: string | undefined
  /** Known for the slide-1 card only (1200×630). */
  readonly imageWidth: number | undefined
  readonly imageHeight: number | undefined
  readonly twitterCard: 'summary_large_image' | 'summary'
}

/** What the social tags of every page are made from. */
export interface SocialSite {
  readonly title: string
  readonly description: string
  /** The site's public URL, ending in `/` (config `url`). */
  readonly url: string | undefined
  /** Config `ogImage`: an absolute URL, or a site path. */
  readonly ogImage: string | undefined
  /** Whether this build makes each deck's slide-1 card. */
  readonly cards: boolean
}

export const CARD_WIDTH = 1200
export const CARD_HEIGHT = 630

/** Site path of a deck's social card: `talks/intro/card.png`. */
export function cardPath(slug: string): string {
  return `${slug}/card.png`
}

/** Absolute URL of a deck's page under the site's URL (the canonical link's). */
export function deckUrl(base: string, slug: string): string {
  return `${base}${encodePath(slug)}/index.html`
}

/**
 * An image a deck or the config names, as an absolute URL: absolute http(s) URLs as they are, anything
 * else resolved against `against` (the deck's page, or the site's root for `ogImage`). Undefined
 * without a site URL, or for what is not a web URL (`data:`, `javascript:`, `file:`).
 */
export function absoluteImage(image: string | undefined, against: string | undefined): string | undefined {
  if (image === undefined || against === undefined) return undefined
  if (!URL.canParse(image, against)) return undefined
  const url = new URL(image, against)
  return /^https?:$/.test(url.protocol) ? url.href : undefined
}

/**
 * A deck page's tags. Its picture: the deck's own `image:` directive, else the config's `ogImage`, else
 * the slide-1 card this build makes.
 */
export function deckSocial(
  site: SocialSite,
  deck: { readonly slug: string; readonly title: string; readonly description: string; readonly image?: string | undefined },
): SocialTags {
  const url = site.url === undefined ? undefined : deckUrl(site.url, deck.slug)
  const own = absoluteImage(deck.image, url) ?? absoluteImage(site.ogImage, site.url)
  const card = own === undefined && site.cards && site.url !== undefined ? `${site.url}${encodePath(cardPath(deck.slug))}` : undefined
  const image = own ?? card
  return {
    type: 'article',
    siteName: site.title,
    title: deck.title,
    description: deck.description || site.description,
    url,
    image,
    imageAlt: image === undefined ? undefined : card ? `The first slide of ${deck.title}` : deck.title,
    imageWidth: card ? CARD_WIDTH : undefined,
    imageHeight: card ? CARD_HEIGHT : undefined,
    twitterCard: image === undefined ? 'summary' : 'summary_large_image',
  }
}

/**
 * The index page's tags: its picture is the config's `ogImage`, else the picture of the first deck
 * listed (its `image:`, or its card).
 */
export function indexSocial(
  site: SocialSite,
  first: { readonly slug: string; readonly title: string; readonly description: string; readonly image?: string | undefined } | undefined,
): SocialTags {
  const deck = first && site.ogImage === undefined ? deckSocial(site, first) : undefined
  const own = absoluteImage(site.ogImage, site.url)
  const image = own ?? deck?.image
  return {
    type: 'website',
    siteName: site.title,
    title: site.title,
    description: site.description,
    url: site.url,
    image,
    imageAlt: own === undefined ? deck?.imageAlt : site.title,
    imageWidth: own === undefined ? deck?.imageWidth : undefined,
    imageHeight: own === undefined ? deck?.imageHeight : undefined,
    twitterCard: image === undefined ? 'summary' : 'summary_large_image',
  }
}

/**
 * Whether a build makes slide-1 cards: only with the site's URL (og:image must be absolute), never in
 * dev or check, and not when the config's `ogImage` stands for every deck. A deck with its own
 * `image:` gets none either (see deckSocial); the build also needs a browser.
 */
export function makesCards(config: { readonly publish: boolean; readonly baseUrl: string | undefined; readonly ogImage: string | undefined }): boolean {
  return config.publish && config.baseUrl !== undefined && config.ogImage === undefined
}
