import type { OutputMaker } from '../browser/visit.js'
import type { ShotJob } from '../media/shoot.js'
import { makeHandout } from './handout.js'

/** A deck to print: loaded at its slide size, printed one page per slide or as a handout; its pictures taken first. */
export interface PrintJob extends ShotJob {
  /** false: the deck is loaded for its pictures only (its PDF is current), and its PDF output is empty. */
  readonly print?: boolean | undefined
  readonly viewport: { readonly width: number; readonly height: number }
  /** Print a handout (each slide on an A4 page above these notes) instead of one page per slide. */
  readonly handout?: { readonly notes: readonly string[]; readonly title: string } | undefined
}

/**
 * The PDF of a loaded deck, as Chromium prints it (finishPdf adds the rest). It flattens the page's
 * auto-scaled parts first: any maker that reads the page as laid out comes before it.
 */
export const pdfOutput: OutputMaker<PrintJob, Uint8Array> = {
  name: 'pdf',
  async make({ page: p, job }) {
    if (job.print === false) return { value: new Uint8Array(), problems: [] }
    await p.evaluate(flattenAutoScaling)
    if (job.handout) {
      await p.evaluate(makeHandout, [...job.handout.notes], job.handout.title)
      // The handout's own @page rule sets the paper (A4) and its margins.
      return { value: await p.pdf({ printBackground: true, preferCSSPageSize: true, timeout: 0 }), problems: [] }
    }
    const bytes = await p.pdf({
      width: `${job.viewport.width}px`,
      height: `${job.viewport.height}px`,
      printBackground: true,
      margin: { top: 0, right: 0, bottom: 0, left: 0 },
      preferCSSPageSize: false,
      timeout: 0,
    })
    return { value: bytes, problems: [] }
  },
}

/**
 * marp-core scales fitting headings, code blocks and display math with an SVG inside the element's
 * shadow DOM, and Chromium leaves those out of printed pages. In the page, once laid out, before
 * printing: measure the scale each one got, drop the SVG, and apply the same scale with CSS zoom.
 */
function flattenAutoScaling(): void {
  for (const host of Array.from(document.querySelectorAll<HTMLElement>('[data-auto-scaling]'))) {
    const svg = host.shadowRoot?.querySelector('marp-auto-scaling')?.shadowRoot?.querySelector('svg')
    const box = svg?.viewBox.baseVal
    const scale = svg && box && box.width > 0 ? svg.getBoundingClientRect().width / box.width : 1
    host.removeAttribute('data-auto-scaling')
    if (Number.isFinite(scale) && scale > 0 && Math.abs(scale - 1) > 0.001) host.style.setProperty('zoom', String(scale))
  }
}
