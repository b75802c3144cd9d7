import { measureOverflow, overflowProblems, TOLERANCE_PX } from '../browser/measure.js'
import { onSlideLines, problemRecord, type ProblemRecord } from '../problems.js'
import { connectLive, type LiveEventType } from './live-channel.js'
/**
 * The dev server's live-reload client, injected into every page it serves. A rebuild reloads the
 * page (the #N hash keeps the slide, in the presenter window too); a theme-only change swaps the
 * stylesheets in place; problems show in an overlay over the last good page.
 */
type LiveProblem = ProblemRecord

const OVERLAY_ID = 'marp-site-dev-overlay'
/**
 * Rules (and the codes of errors that stop a whole build) whose error leaves the last good page in
 * place: the deck could not be read or rendered, or nothing was built. (Front-matter that is not YAML
 * is a warning: the deck is built without it, as Marp renders it.)
 */
const KEEPS_LAST_GOOD = new Set(['read-error', 'encoding', 'too-large', 'render-error', 'usage', 'config', 'template', 'input', 'io', 'browser', 'internal'])
/** Quiet time after an update before the page measures itself for overflow. */
const MEASURE_DELAY_MS = 300

/** The deck page's data block (see deck.liquid); empty on other pages. */
function deckData(): { slug?: string; source?: string; overflow?: string; crowded?: string; slideLines?: number[] } {
  try {
    return JSON.parse(document.getElementById('marp-site-deck')?.textContent || '{}') as ReturnType<typeof deckData>
  } catch {
    // Not a deck page (or a broken data block): nothing to measure.
    return {}
  }
}

function pageDeck(): string | undefined {
  return deckData().slug
}

/** On the index, a badge on each deck's card with its number of errors and warnings. */
function showBadges(all: readonly LiveProblem[]): void {
  for (const old of document.querySelectorAll('.marp-site-dev-badge')) old.remove()
  for (const card of document.querySelectorAll<HTMLElement>('[data-slug]')) {
    const mine = all.filter((p) => p.deck === card.dataset['slug'])
    if (mine.length === 0) continue
    const errors = mine.filter((p) => p.severity === 'error').length
    const warnings = mine.length - errors
    const badge = document.createElement('span')
    badge.className = 'marp-site-dev-badge'
    badge.textContent = [
      errors ? `${errors} ${errors === 1 ? 'error' : 'errors'}` : '',
      warnings ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '',
    ]
      .filter(Boolean)
      .join(', ')
    badge.title = mine.map((p) => `${p.file}${p.line ? `:${p.line}` : ''} ${p.message}`).join('\n')
    badge.style.cssText = `position:absolute;top:8px;right:8px;z-index:2;padding:2px 8px;border-radius:10px;font:600 12px/1.5 system-ui,sans-serif;color:#fff;background:${errors ? '#b91c1c' : '#b45309'}`
    card.append(badge)
  }
}

function showProblems(all: readonly LiveProblem[]): void {
  showBadges(all)
  document.getElementById(OVERLAY_ID)?.remove()
  const deck = pageDeck()
  // A deck page shows its own errors; the index shows every deck's.
  const mine = all.filter((p) => p.severity === 'error' && (deck === undefined || p.deck === deck || p.deck === ''))
  if (mine.length === 0) return
  const box = document.createElement('div')
  box.id = OVERLAY_ID
  box.setAttribute('role', 'alert')
  box.style.cssText =
    'position:fixed;left:16px;right:16px;bottom:16px;z-index:2147483647;max-height:45vh;overflow:auto;padding:14px 18px;border-radius:10px;background:rgba(60,10,10,.94);color:#fff;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 8px 30px rgba(0,0,0,.5)'
  const title = document.createElement('strong')
  // Only an error that stopped a deck (or the whole build) leaves its last good page on show; the
  // others (a missing image, an overflow) are in the page as it is now.
  const kept = mine.some((p) => KEEPS_LAST_GOOD.has(p.rule))
  title.textContent = `marp-site: ${mine.length} ${mine.length === 1 ? 'error' : 'errors'}${kept ? ' (the page shows the last good build)' : ''}`
  box.append(title)
  for (const p of mine) {
    const row = document.createElement('div')
    row.textContent = `${p.file}${p.line ? `:${p.line}` : ''}  ${p.message}  [${p.rule}]`
    box.append(row)
  }
  const close = document.createElement('button')
  close.type = 'button'
  close.textContent = '×'
  close.setAttribute('aria-label', 'Hide')
  close.style.cssText = 'position:absolute;top:6px;right:10px;background:none;border:0;color:#fff;font-size:20px;cursor:pointer'
  close.addEventListener('click', () => box.remove())
  box.append(close)
  document.body.append(box)
}

async function swapStyles(): Promise<void> {
  const res = await fetch(location.pathname, { cache: 'no-store' })
  const next = new DOMParser().parseFromString(await res.text(), 'text/html')
  const fresh = [...next.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => l.getAttribute('href'))
  const current = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')]
  if (fresh.length !== current.length) {
    location.reload()
    return
  }
  current.forEach((link, i) => {
    const href = fresh[i]
    if (href && link.getAttribute('href') !== href) link.setAttribute('href', href)
  })
  // Inline <style> of the page (the deck page's chrome) follows too.
  const styles = [...document.querySelectorAll('head style')]
  const nextStyles = [...next.querySelectorAll('head style')]
  styles.forEach((style, i) => {
    const text = nextStyles[i]?.textContent
    if (text !== undefined && text !== null && style.textContent !== text) style.textContent = text
  })
}

/**
 * Updates a deck page in place from its rebuilt HTML: the slides whose markup changed, the deck's
 * stylesheet, the title bar and the deck data. Much faster than a reload, and nothing moves: same
 * slide, same scroll, same fullscreen. Anything else (the index, the presenter view, a different
 * number of slides, new scripts or page styles) answers false, and the page is reloaded instead.
 */
async function patchDeck(): Promise<boolean> {
  const marpit = document.querySelector('div.marpit')
  if (!marpit || document.body.classList.contains('ms-presenter') || !document.documentElement.classList.contains('ms-js')) return false
  const res = await fetch(location.pathname, { cache: 'no-store' })
  if (!res.ok) return false
  const next = new DOMParser().parseFromString(await res.text(), 'text/html')
  const nextMarpit = next.querySelector('div.marpit')
  const slides = [...marpit.children]
  const nextSlides = [...(nextMarpit?.children ?? [])]
  if (!nextMarpit || slides.length !== nextSlides.length) return false
  const srcs = (doc: Document) => [...doc.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')).join('\n')
  const inline = (doc: Document) => [...doc.querySelectorAll('head style')].map((s) => s.textContent).join('\n')
  if (srcs(document) !== srcs(next) || inline(document) !== inline(next)) return false
  const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')]
  const nextLinks = [...next.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')]
  if (links.length !== nextLinks.length) return false
  if (slides.some((svg, i) => svg.getAttribute('viewBox') !== nextSlides[i]?.getAttribute('viewBox'))) return false

  // A new stylesheet is loaded before the old one goes, so the slides are never unstyled.
  await Promise.all(
    links.map((link, i) => {
      const href = nextLinks[i]?.getAttribute('href')
      if (!href || link.getAttribute('href') === href) return undefined
      const fresh = link.cloneNode() as HTMLLinkElement
      fresh.setAttribute('href', href)
      return new Promise<void>((resolve) => {
        fresh.addEventListener('load', () => resolve())
        fresh.addEventListener('error', () => resolve())
        link.after(fresh)
      }).then(() => link.remove())
    }),
  )
  slides.forEach((svg, i) => {
    const fresh = nextSlides[i]
    if (fresh && svg.innerHTML !== fresh.innerHTML) svg.innerHTML = fresh.innerHTML
  })
  const bar = document.querySelector('.ms-bar')
  const nextBar = next.querySelector('.ms-bar')
  if (bar && nextBar && bar.innerHTML !== nextBar.innerHTML) bar.innerHTML = nextBar.innerHTML
  const data = document.getElementById('marp-site-deck')
  const nextData = next.getElementById('marp-site-deck')
  if (data && nextData) data.textContent = nextData.textContent
  document.title = next.title
  document.dispatchEvent(new CustomEvent('marp-site:slides-changed'))
  return true
}

/**
 * The `overflow` and `crowded` rules, measured in the author's own browser: the deck page is loaded
 * again in a hidden frame without the runtime (`?view=measure`: every slide at its size), and measured
 * as `marp-site check` measures it. Runs after each load and update of a deck page.
 */
async function measureDeck(signal: AbortSignal): Promise<LiveProblem[]> {
  const data = deckData()
  const first = document.querySelector<SVGSVGElement>('div.marpit > svg[data-marpit-svg]')
  // Each rule's setting for this deck (`off`, `warning` or `error`); a page without one measures overflow.
  const settings: Record<string, string> = { overflow: data.overflow ?? 'error', crowded: data.crowded ?? 'warning' }
  if (!first || !data.slug || !data.source || Object.values(settings).every((s) => s === 'off')) return []
  const box = first.viewBox.baseVal
  const frame = document.createElement('iframe')
  frame.setAttribute('aria-hidden', 'true')
  frame.tabIndex = -1
  // Wide and tall enough that the page's own CSS shows each slide at 1:1.
  frame.style.cssText = `position:fixed;left:-100000px;top:0;width:${box.width + 64}px;height:${box.height + 128}px;border:0;visibility:hidden;pointer-events:none`
  // A newer update stops the measurement: removing the frame stops its loading at once.
  const stop = () => frame.remove()
  signal.addEventListener('abort', stop, { once: true })
  try {
    const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }))
    frame.src = `${location.pathname}?view=measure`
    document.body.append(frame)
    await loaded
    const doc = frame.contentDocument
    const win = frame.contentWindow
    if (!doc || !win || signal.aborted) return []
    await doc.fonts.ready
    await new Promise((resolve) => win.requestAnimationFrame(() => win.requestAnimationFrame(resolve)))
    if (signal.aborted) return []
    return onSlideLines(overflowProblems(data.source, measureOverflow(TOLERANCE_PX, doc)), data.slideLines)
      .filter((p) => settings[p.rule] !== 'off')
      .map((p) => problemRecord(data.slug ?? '', { ...p, severity: settings[p.rule] === 'error' ? 'error' : 'warning' }))
  } finally {
    signal.removeEventListener('abort', stop)
    frame.remove()
  }
}

/** The build the page was served from (the dev server writes it on this script's tag). */
const SERVED_BUILD = Number(document.currentScript?.getAttribute('data-build') ?? 0) || 0

function live(): void {
  let seen = SERVED_BUILD
  const versionOf = (text: string): number | undefined => {
    try {
      const data = JSON.parse(text) as unknown
      const value = typeof data === 'number' ? data : (data as { version?: unknown } | null)?.version
      return typeof value === 'number' ? value : undefined
    } catch {
      // A message of another shape: no version to compare.
      return undefined
    }
  }
  let reloading = false
  let fromServer: LiveProblem[] = []
  let measured: LiveProblem[] = []
  const show = () => {
    if (!reloading) showProblems([...fromServer, ...measured])
  }
  // Measured a moment after the page settles, so that a run of saves is measured once, after the
  // last; an update stops a measurement in progress, so the measuring never slows the update.
  let timer: ReturnType<typeof setTimeout> | undefined
  let current: AbortController | undefined
  const cancel = () => {
    clearTimeout(timer)
    current?.abort()
  }
  const measure = (delay = MEASURE_DELAY_MS) => {
    cancel()
    timer = setTimeout(() => {
      const controller = (current = new AbortController())
      measureDeck(controller.signal).then(
        (found) => {
          if (controller.signal.aborted) return
          measured = found
          show()
          // A measurement cut short (the page reloads, a newer one starts) has nothing to show.
        },
        () => undefined,
      )
    }, delay)
  }
  const reload = () => {
    // The reloaded page gets the current problems when it connects.
    reloading = true
    events.close()
    location.reload()
  }
  let patching = Promise.resolve()
  const update = () => {
    cancel()
    // One update at a time, in order; a failed or impossible patch falls back to a reload.
    patching = patching.then(() =>
      patchDeck().then(
        (done) => void (done ? measure() : reload()),
        () => reload(),
      ),
    )
  }
  const handlers: Record<LiveEventType, (data: string) => void> = {
    reload: (data) => {
      seen = Math.max(seen, versionOf(data) ?? seen)
      update()
    },
    css: (data) => {
      seen = Math.max(seen, versionOf(data) ?? seen)
      cancel()
      swapStyles().then(
        () => measure(),
        () => location.reload(),
      )
    },
    // Sent on every connection: a build this page has not seen (it happened while the page loaded, or
    // while the connection was down) is caught up with now.
    version: (data) => {
      const now = versionOf(data)
      if (now === undefined || now <= seen) return
      seen = now
      update()
    },
    problems: (data) => {
      try {
        fromServer = JSON.parse(data) as LiveProblem[]
        show()
      } catch {
        // A malformed message: the last problems stay shown.
      }
    },
  }
  const events = connectLive('/__marp-site/events', (type, data) => handlers[type](data))
  if (document.readyState === 'complete') measure(0)
  else window.addEventListener('load', () => measure(0), { once: true })
}

// The hidden copy a deck page measures itself with needs no live reload of its own, nor do the index's
// thumbnails (frames of the index, which reloads them with itself): no connection, no overlay.
if (new URLSearchParams(location.search).get('view') !== 'measure' && window.frameElement === null) live()
