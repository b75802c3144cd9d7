import type { DeckController } from './deck.js'
import { showCodeSteps } from './code-steps.js'
import { button, h, icon, type DeckData } from './dom.js'
import { upcoming } from './position.js'

/**
 * The presenter view (`?view=presenter`): the current slide, the next one as the audience will see
 * it, the speaker notes, elapsed time with pause and reset, and the clock.
 */
export function createPresenter(deck: DeckController, data: DeckData, marpit: HTMLElement) {
  const current = h('section', { class: 'ms-p-current', 'aria-label': 'Current slide' })
  const nextPane = h('div', { class: 'ms-p-next-slide' })
  const nextBox = h('section', { class: 'ms-p-next', 'aria-label': 'Next slide' }, h('h2', {}, 'Next'), nextPane)
  const notes = h('div', { class: 'ms-p-notes-text' })
  const notesBox = h('section', { class: 'ms-p-notes', 'aria-label': 'Speaker notes' }, h('h2', {}, 'Notes'), notes)
  const status = h('span', { class: 'ms-status' })
  const elapsed = h('span', { class: 'ms-p-elapsed', role: 'timer', 'aria-label': 'Elapsed time' }, '0:00')
  const clock = h('span', { class: 'ms-p-clock', 'aria-label': 'Clock' })
  // Kept in sessionStorage, so a reload (a live-reload in dev, F5) does not reset the talk's clock.
  const timerKey = `marp-site:timer:${location.pathname}`
  const saved = readTimer(timerKey)
  let started = saved?.started ?? Date.now()
  let pausedAt: number | undefined = saved?.pausedAt
  const saveTimer = () => {
    try {
      sessionStorage.setItem(timerKey, JSON.stringify({ started, pausedAt }))
    } catch {
      // storage off: the timer still runs, it just restarts on reload
    }
  }
  const pause = button(
    'Pause timer',
    icon('pause'),
    () => {
      if (pausedAt === undefined) pausedAt = Date.now()
      else {
        started += Date.now() - pausedAt
        pausedAt = undefined
      }
      showPause()
      saveTimer()
      tick()
    },
    { class: 'ms-p-pause' },
  )
  const showPause = () => {
    pause.replaceChildren(icon(pausedAt === undefined ? 'pause' : 'play'))
    pause.setAttribute('aria-label', pausedAt === undefined ? 'Pause timer' : 'Resume timer')
    pause.setAttribute('title', pause.getAttribute('aria-label') ?? '')
  }
  showPause()
  const reset = button(
    'Reset timer',
    icon('reset'),
    () => {
      started = Date.now()
      if (pausedAt !== undefined) pausedAt = started
      saveTimer()
      tick()
    },
    { class: 'ms-p-reset' },
  )
  const header = h(
    'header',
    { class: 'ms-ui ms-p-header' },
    h('span', { class: 'ms-p-title' }, data.title),
    button('Previous slide', icon('prev'), () => deck.prev(), { class: 'ms-prev' }),
    status,
    button('Next slide', icon('next'), () => deck.next(), { class: 'ms-next' }),
    elapsed,
    pause,
    reset,
    clock,
  )
  current.append(marpit)

  const tick = () => {
    const ms = (pausedAt ?? Date.now()) - started
    const s = Math.floor(ms / 1000)
    const hh = Math.floor(s / 3600)
    const mm = Math.floor((s % 3600) / 60)
    const ss = String(s % 60).padStart(2, '0')
    elapsed.textContent = hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`
    const now = new Date()
    clock.textContent = `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`
  }
  saveTimer()
  tick()
  setInterval(tick, 1000)

  const update = () => {
    const pos = deck.current
    status.textContent = `${pos.slide + 1} / ${deck.total}`
    notes.textContent = data.notes[pos.slide] ?? ''
    notesBox.classList.toggle('ms-p-empty', notes.textContent === '')
    nextPane.replaceChildren()
    const coming = upcoming(pos, deck.fragments)
    const source = coming ? deck.slides[coming.slide] : undefined
    if (coming && source) {
      const copy = source.cloneNode(true) as SVGSVGElement
      copy.classList.add('ms-active')
      copy.removeAttribute('aria-hidden')
      copy.setAttribute('aria-label', `Slide ${coming.slide + 1}`)
      for (const el of copy.querySelectorAll('[data-marpit-fragment]')) {
        const n = Number(el.getAttribute('data-marpit-fragment')) || 0
        el.setAttribute('data-ms-fragment', n <= coming.fragment ? 'shown' : 'hidden')
      }
      showCodeSteps(copy, coming.fragment)
      renameIds(copy)
      nextPane.append(h('div', { class: 'marpit' }, copy))
    } else {
      nextPane.append(h('p', { class: 'ms-p-end' }, 'End of the deck'))
    }
  }
  deck.onMove(update)
  return { elements: [header, current, h('div', { class: 'ms-p-side' }, nextBox, notesBox)], update }
}

/**
 * Ids must stay unique in the page: a copy's are dropped, but a diagram's are renamed, with the
 * references to them (its arrow markers), which would otherwise point into the hidden original.
 */
function renameIds(copy: Element): void {
  for (const el of copy.querySelectorAll('[id]')) {
    if (el.closest('svg[data-marp-mermaid]')) el.id = `ms-next-${el.id}`
    else el.removeAttribute('id')
  }
  for (const el of copy.querySelectorAll('svg[data-marp-mermaid] *')) {
    for (const attr of el.attributes) if (attr.value.includes('url(#')) attr.value = attr.value.replaceAll('url(#', 'url(#ms-next-')
  }
}

function readTimer(key: string): { started: number; pausedAt: number | undefined } | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(key) ?? 'null') as { started?: unknown; pausedAt?: unknown } | null
    if (!value || typeof value.started !== 'number') return undefined
    return { started: value.started, pausedAt: typeof value.pausedAt === 'number' ? value.pausedAt : undefined }
  } catch {
    // Storage off or a value of another shape: the timer starts afresh.
    return undefined
  }
}
