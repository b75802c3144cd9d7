import type { RenderedDeck } from '../render/deck.js'

export interface DeckPage { readonly deck: RenderedDeck; readonly page: string; readonly contentKey: string }

export function pdfPath(slug: string): string { return `${slug}/${slug.split('/').pop() ?? 'deck'}.pdf` }
