import type { DeckController } from './deck.js'
import { button, h, icon, type DeckData } from './dom.js'

export interface AudienceActions {
  overview(): void
  presenter(): void
  fullscreen(): void
  help(): void
}

/** The audience view's chrome: progress bar, controls, the live region for screen readers. */
export function createAudienceChrome(deck: DeckController, data: DeckData, actions: AudienceActions) {
  const bar = h('div', { class: 'ms-progress-bar' })
  const progress = h(
    'div',
    { class: 'ms-ui ms-progress', role: 'progressbar', 'aria-label': 'Progress', 'aria-valuemin': '1', 'aria-valuemax': String(deck.total) },
    bar,
  )
  const status = h('span', { class: 'ms-status', 'aria-hidden': 'true' })
  const live = h('div', { class: 'ms-live', 'aria-live': 'polite', 'aria-atomic': 'true' })
  const home = h('a', { class: 'ms-home', href: data.indexHref, title: 'All decks', 'aria-label': 'All decks (site index)' }, icon('home'))
  const controls = h(
    'nav',
    { class: 'ms-ui ms-controls', 'aria-label': 'Slide controls' },
    home,
    button('Previous slide', icon('prev'), () => deck.prev(), { class: 'ms-prev' }),
    status,
    button('Next slide', icon('next'), () => deck.next(), { class: 'ms-next' }),
    button('Overview of all slides', icon('grid'), actions.overview, { class: 'ms-overview-button' }),
    button('Open presenter view', icon('presenter'), actions.presenter, { class: 'ms-presenter-button' }),
    button('Fullscreen', icon('fullscreen'), actions.fullscreen, { class: 'ms-fullscreen-button' }),
    button('Keyboard shortcuts', '?', actions.help, { class: 'ms-help-button' }),
  )
  if (data.pdfHref) {
    controls.insertBefore(
      h('a', { class: 'ms-pdf', href: data.pdfHref, title: 'Download the PDF', 'aria-label': 'Download the PDF', download: '' }, icon('download')),
      controls.lastElementChild,
    )
  }
  const update = () => {
    const { slide } = deck.current
    const n = slide + 1
    status.textContent = `${n} / ${deck.total}`
    bar.style.width = `${deck.total > 0 ? (n / deck.total) * 100 : 0}%`
    progress.setAttribute('aria-valuenow', String(n))
    live.textContent = `Slide ${n} of ${deck.total}`
  }
  deck.onMove(update)
  return { elements: [progress, controls, live], update }
}
