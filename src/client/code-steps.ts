/**
 * Steps through highlighted code lines (```` ```js {1|3-5|7} ````). The render gives a stepped
 * `<code>` the fragment of its slide each step starts at (`data-ms-steps="0 1 2"`) and each line
 * the steps it is highlighted in (`data-ms-in="2"`); see src/render/code-plugin.ts. Moving through
 * the slide's fragments highlights the lines of the step reached, and says which on the `<code>`
 * (`data-ms-step`, 0 before the first). Without the runtime (PDF, thumbnails, print) no step is set.
 */

export function parseSteps(value: string | null): number[] {
  return (value ?? '')
    .split(' ')
    .filter((s) => s !== '')
    .map(Number)
}

/** The step (1-based; 0: none yet) shown at `fragment`, given the fragment each step starts at. Pure. */
export function stepAt(starts: readonly number[], fragment: number): number {
  return starts.filter((start) => start <= fragment).length
}

/** The last fragment a slide's code steps need. */
export function lastCodeFragment(root: ParentNode): number {
  let max = 0
  for (const code of root.querySelectorAll('code[data-ms-steps]')) max = Math.max(max, ...parseSteps(code.getAttribute('data-ms-steps')))
  return max
}

export function showCodeSteps(root: ParentNode, fragment: number): void {
  for (const code of root.querySelectorAll('code[data-ms-steps]')) {
    const step = stepAt(parseSteps(code.getAttribute('data-ms-steps')), fragment)
    code.setAttribute('data-ms-step', String(step))
    for (const line of code.querySelectorAll('.line[data-ms-in]'))
      line.classList.toggle('highlighted', parseSteps(line.getAttribute('data-ms-in')).includes(step))
  }
}
