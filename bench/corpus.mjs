// Deterministic benchmark corpus: N decks of 20 slides mixing every feature the speed targets name (see bench/RESULTS.md).
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

const PICTURE = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120"><rect width="320" height="120" rx="12" fill="#1d5fa8"/><text x="160" y="70" font-size="28" text-anchor="middle" fill="#fff">figure</text></svg>\n`

export function deck(i, { math = true } = {}) {
  const slides = [
    `---\ntitle: Benchmark deck ${i}\ndescription: Deck ${i} of the generated corpus\npaginate: true\n---\n\n<style>\nimg[alt~="center"] { display: block; margin: 0 auto; }\n</style>\n\n<!-- _class: lead -->\n\n# Deck ${i}: a talk about topic ${i % 17}\n\nGenerated for the marp-site benchmark\n\n<!-- Speaker notes for the title of deck ${i}. -->`,
  ]
  for (let s = 2; s <= 20; s += 1) {
    const kind = s % 6
    if (kind === 0)
      slides.push(
        `## Table ${s}\n\n| Metric | Before | After |\n| --- | ---: | ---: |\n| Latency | ${s * 3} ms | ${s} ms |\n| Errors | ${s % 5} | 0 |\n| Cost | $${s * 10} | $${s * 7} |\n\n<!-- Notes: explain table ${s}. -->`,
      )
    else if (kind === 1)
      slides.push(
        `## Code ${s}\n\n\`\`\`ts\nexport function step${s}(input: number[]): number {\n  return input.filter((n) => n % ${s} === 0).reduce((a, b) => a + b, 0)\n}\n\`\`\``,
      )
    else if (kind === 2) slides.push(`## Picture ${s}\n\n![center](images/figure.svg)\n\nA centred image with the Marp idiom.`)
    else if (kind === 3 && math)
      slides.push(`## Math ${s}\n\nInline $a_${s} = \\sum_{k=1}^{${s}} k^2$ and display:\n\n$$\n\\int_0^{${s}} x^2\\,dx = \\frac{${s}^3}{3}\n$$`)
    else if (kind === 4) slides.push(`<!-- _class: lead -->\n\n# Section ${s}\n\nA lead slide :sparkles:`)
    else
      slides.push(
        `## Points ${s}\n\n- First point of slide ${s} in deck ${i}\n- Second point, **bold** and *italic*\n  - a nested point\n- Third point with \`code\`\n\n> A quote on slide ${s}.\n\n<!-- Notes for slide ${s}. -->`,
      )
  }
  return `${slides.join('\n\n---\n\n')}\n`
}

/** Writes `count` decks (and their shared image) into `dir/slides`, replacing what was there. */
export async function writeCorpus(dir, count, options = {}) {
  await rm(dir, { recursive: true, force: true })
  await mkdir(path.join(dir, 'slides', 'images'), { recursive: true })
  await writeFile(path.join(dir, 'slides', 'images', 'figure.svg'), PICTURE)
  await Promise.all(
    Array.from({ length: count }, (_, i) => writeFile(path.join(dir, 'slides', `deck-${String(i + 1).padStart(3, '0')}.md`), deck(i + 1, options))),
  )
  // Only the corpus's own files: a config keeps marp-site from reading the repository's.
  await writeFile(path.join(dir, 'marp-site.config.json'), JSON.stringify({ title: `Benchmark, ${count} decks` }))
}
