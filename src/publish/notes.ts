import type { ResolvedConfig } from '../config/types.js'
import type { RenderedDeck } from '../render/deck.js'

/**
 * Whether the site's public files may carry speaker notes: false on a private build (`notes: private`
 * or `--no-notes`). Every output that could carry notes asks this (pages, their JSON, single-file pages,
 * notes files, slide exports); `dev` always builds with public notes (see README "Speaker notes").
 */
export function notesArePublic(config: Pick<ResolvedConfig, 'notes'>): boolean {
  return config.notes !== 'private'
}

/** The deck as a private build publishes it: the same slides, every note empty. */
export function withoutNotes(deck: RenderedDeck): RenderedDeck {
  return { ...deck, notes: deck.notes.map(() => '') }
}

/** Site path of a deck's notes file: `talks/intro/notes.md`. */
export function notesFilePath(slug: string, format: 'md' | 'txt'): string {
  return `${slug}/notes.${format}`
}

/**
 * A deck's notes as text, as `marp --notes` writes them: each slide's notes in slide order, separated
 * by a `---` line (a slide without notes leaves its part empty, so the parts count as slides do).
 */
export function notesText(notes: readonly string[]): string {
  return `${notes.map((n) => n.trim()).join('\n\n---\n\n')}\n`
}
