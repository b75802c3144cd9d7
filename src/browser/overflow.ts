import { measureOverflow, overflowProblems, TOLERANCE_PX, type Overflow } from './measure.js'
import type { DeckJob, OutputMaker } from './visit.js'

/**
 * The `overflow` and `crowded` rules as an output of a loaded deck: every slide measured on the page as laid out.
 * Given before any maker that changes the page (the PDF flattens auto-scaled parts).
 */
export const overflowOutput: OutputMaker<DeckJob, readonly Overflow[]> = {
  name: 'overflow',
  async make({ page, job }) {
    const found = await page.evaluate(measureOverflow, TOLERANCE_PX)
    return { value: found, problems: overflowProblems(job.source, found) }
  },
}
