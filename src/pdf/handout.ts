/**
 * Turns a deck page, laid out and flattened for printing, into a handout: one A4 page per slide,
 * the slide at the top (at the page's width, its own layout unchanged: it is the same SVG, only
 * scaled), its speaker notes below, and a footer with the deck's title and the slide's number.
 * Each slide keeps its own `div.marpit` around it, so the deck's CSS applies as in the HTML page.
 *
 * Runs in the page: self-contained, as the browser driver sends it as source text. The style goes
 * into the body, so that the next deck swapped into the page (see frame.ts) starts clean.
 */
export function makeHandout(notes: readonly string[], title: string): void {
  const svgs = Array.from(document.querySelectorAll('div.marpit > svg[data-marpit-svg]'))
  const root = document.createElement('div')
  root.className = 'marp-site-handout'
  const style = document.createElement('style')
  style.textContent = [
    // A4 portrait; after the page's own @page rule, so this one wins (the printer prefers CSS page sizes here).
    '@page { size: 210mm 297mm; margin: 14mm; background: #fff; }',
    ':root { color-scheme: light !important; }',
    'html, body { background: #fff !important; margin: 0 !important; padding: 0 !important; }',
    'body > :not(.marp-site-handout) { display: none !important; }',
    '.marp-site-handout-page { break-after: page; display: flex; flex-direction: column; gap: 7mm; height: 268mm; overflow: hidden; }',
    '.marp-site-handout-page:last-child { break-after: auto; }',
    '.marp-site-handout-page > div.marpit { display: block !important; padding: 0 !important; margin: 0 !important; }',
    '.marp-site-handout-page > div.marpit > svg[data-marpit-svg] { display: block !important; width: 100% !important; height: auto !important; margin: 0 !important; box-shadow: none !important; break-after: auto !important; outline: .25mm solid #9aa3ad; }',
    '.marp-site-handout-notes { flex: 1; margin: 0; font: 11pt/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; white-space: pre-wrap; overflow-wrap: anywhere; }',
    '.marp-site-handout-notes:empty::before { content: "(no notes)"; color: #777; font-style: italic; }',
    '.marp-site-handout-footer { display: flex; justify-content: space-between; font: 8.5pt system-ui, sans-serif; color: #555; border-top: .25mm solid #ccd; padding-top: 2mm; }',
  ].join('\n')
  root.append(style)
  svgs.forEach((svg, i) => {
    const page = document.createElement('section')
    page.className = 'marp-site-handout-page'
    const frame = document.createElement('div')
    frame.className = 'marpit'
    frame.append(svg)
    const text = document.createElement('p')
    text.className = 'marp-site-handout-notes'
    text.textContent = notes[i] ?? ''
    const footer = document.createElement('footer')
    footer.className = 'marp-site-handout-footer'
    const name = document.createElement('span')
    name.textContent = title
    const number = document.createElement('span')
    number.textContent = `${i + 1} / ${svgs.length}`
    footer.append(name, number)
    page.append(frame, text, footer)
    root.append(page)
  })
  document.body.append(root)
}
