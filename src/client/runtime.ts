/**
 * marp-site's deck page runtime: presents the slides the page holds, one at a time. Loaded as a
 * classic script so that it also works from file://. Without it the page still shows every slide,
 * one under the other.
 */
import { createAudienceChrome } from './audience.js'
import { DeckController } from './deck.js'
import { createDeckSearch } from './deck-search.js'
import { isTyping, readDeckData } from './dom.js'
import { viewFromSearch } from './hash.js'
import { createHelp } from './help.js'
import { actionForKey } from './keys.js'
import { createOverview } from './overview.js'
import { createPresenter } from './presenter.js'
import { createSync } from './sync.js'
import { createTransitions } from './transition.js'

const IDLE_MS = 2500
const NUMBER_TIMEOUT_MS = 2000

function start(): void {
  const marpit = document.querySelector<HTMLElement>('div.marpit')
  if (!marpit) return
  const view = viewFromSearch(location.search)
  if (view === 'measure') return
  const data = readDeckData()
  const deck = new DeckController(document)
  const root = document.documentElement
  root.classList.add('ms-js')
  document.body.classList.add(view === 'presenter' ? 'ms-presenter' : 'ms-audience')

  const sync = createSync(location.pathname, (message) => deck.move(message.position, 'sync'))
  deck.onMove((position, source) => {
    if (source === 'user' || source === 'history') sync.send(position)
  })

  const help = createHelp(() => help.show(false))
  const overview = createOverview(deck, () => undefined)
  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen?.()
    // A refused fullscreen (no user gesture, an iframe without allowfullscreen) leaves the page as it was.
    else void root.requestFullscreen?.().catch(() => undefined)
  }
  const openPresenter = () => {
    const url = `${location.pathname}?view=presenter${location.hash}`
    window.open(url, 'marp-site-presenter', 'popup,width=1280,height=800')
  }

  if (view === 'presenter') {
    const presenter = createPresenter(deck, data, marpit)
    document.body.prepend(...presenter.elements)
  } else {
    const chrome = createAudienceChrome(deck, data, {
      overview: () => overview.toggle(),
      presenter: openPresenter,
      fullscreen,
      help: () => help.show(!help.open),
    })
    document.body.append(...chrome.elements)
    // Only the audience view animates slide changes; the presenter view and the overview do not.
    deck.change = createTransitions(deck.slides, () => overview.open)
  }
  document.body.append(help.element)
  const search = createDeckSearch(deck, data.notes)
  document.body.append(search.element)

  // Keyboard
  let typed = ''
  let typedAt = 0
  document.addEventListener('keydown', (event) => {
    if (isTyping(event.target) || event.defaultPrevented || search.open) return
    if (help.open) {
      if (event.key === 'Escape' || event.key === '?') {
        help.show(false)
        event.preventDefault()
      }
      return
    }
    if (overview.open) {
      if (overview.key(event.key)) event.preventDefault()
      return
    }
    // A focused control keeps its own Enter and Space.
    const onControl = (event.target as HTMLElement | null)?.closest?.('button, a')
    if (onControl && (event.key === 'Enter' || event.key === ' ')) return
    const action = actionForKey(event)
    if (!action) return
    event.preventDefault()
    if (action.type !== 'digit' && action.type !== 'enter') typed = ''
    switch (action.type) {
      case 'next':
        deck.next()
        break
      case 'prev':
        deck.prev()
        break
      case 'first':
        deck.goTo(0)
        break
      case 'last':
        deck.goTo(deck.total - 1)
        break
      case 'digit':
        if (Date.now() - typedAt > NUMBER_TIMEOUT_MS) typed = ''
        typed += String(action.digit)
        typedAt = Date.now()
        break
      case 'enter':
        if (typed !== '') {
          deck.goTo(Number(typed) - 1)
          typed = ''
        } else deck.next()
        break
      case 'fullscreen':
        fullscreen()
        break
      case 'overview':
        if (view === 'audience') overview.toggle()
        break
      case 'presenter':
        if (view === 'audience') openPresenter()
        break
      case 'help':
        help.show(true)
        break
      case 'search':
        search.show(true)
        break
      case 'escape':
        break
    }
  })

  // Click or tap: right half forward, left half back; links and controls keep their own clicks.
  marpit.addEventListener('click', (event) => {
    if (overview.click(event.target)) return
    if (view === 'presenter') return
    if ((event.target as Element | null)?.closest?.('a, button, video, audio, input, textarea, select, summary')) return
    if (event.clientX < window.innerWidth / 2) deck.prev()
    else deck.next()
  })

  // Swipe
  let touch: { x: number; y: number } | undefined
  marpit.addEventListener(
    'touchstart',
    (event) => {
      const t = event.changedTouches[0]
      touch = t ? { x: t.clientX, y: t.clientY } : undefined
    },
    { passive: true },
  )
  marpit.addEventListener('touchend', (event) => {
    const t = event.changedTouches[0]
    if (!touch || !t || overview.open) return
    const dx = t.clientX - touch.x
    const dy = t.clientY - touch.y
    touch = undefined
    if (Math.abs(dx) < 50 || Math.abs(dx) < Math.abs(dy)) return
    // The click that follows a swipe must not move again.
    event.preventDefault()
    if (dx < 0) deck.next()
    else deck.prev()
  })

  // The cursor and the controls hide when the mouse rests.
  let idle: ReturnType<typeof setTimeout> | undefined
  const wake = () => {
    document.body.classList.remove('ms-idle')
    clearTimeout(idle)
    idle = setTimeout(() => document.body.classList.add('ms-idle'), IDLE_MS)
  }
  document.addEventListener('mousemove', wake, { passive: true })
  document.addEventListener('focusin', wake)
  wake()

  // Chromium leaves marp-core's scaled elements (fit headings, code, display math: an SVG in their
  // shadow DOM) out of printed pages. Print them unscaled instead, and scale them again afterwards.
  let unscaled: [HTMLElement, string][] = []
  window.addEventListener('beforeprint', () => {
    unscaled = [...document.querySelectorAll<HTMLElement>('[data-auto-scaling]')].map((el) => [el, el.getAttribute('data-auto-scaling') ?? ''])
    for (const [el] of unscaled) el.removeAttribute('data-auto-scaling')
  })
  window.addEventListener('afterprint', () => {
    for (const [el, value] of unscaled) el.setAttribute('data-auto-scaling', value)
    unscaled = []
  })

  window.addEventListener('hashchange', () => deck.fromHash('history'))
  // Sent by the dev server's live client after it replaced the slides' content in place.
  document.addEventListener('marp-site:slides-changed', () => deck.refresh())
  window.addEventListener('popstate', () => deck.fromHash('history'))
  deck.fromHash('init')
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
else start()
