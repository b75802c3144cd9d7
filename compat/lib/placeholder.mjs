// Placeholder images for decks whose images are not in the corpus (missing from their repository, or
// large binaries left out to keep the corpus small). Same size as the original where it was known.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PNG } from 'pngjs'

/** A PNG of `width`×`height`: a mid-grey field with a darker 4 px frame and one diagonal, so layout shows. */
export function placeholderPng(width, height) {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 4
      const frame = x < 4 || y < 4 || x >= width - 4 || y >= height - 4
      const diagonal = Math.abs(Math.round((x * height) / width) - y) < 2
      const v = frame || diagonal ? 96 : 176
      png.data[i] = v
      png.data[i + 1] = v
      png.data[i + 2] = v + 16
      png.data[i + 3] = 255
    }
  }
  return PNG.sync.write(png)
}

/** The same for an .svg path: Chromium reads a file:// .svg as SVG whatever its bytes, so it gets SVG. */
export function placeholderSvg(width, height) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#b0b0c0" stroke="#606070" stroke-width="8"/><line x1="0" y1="0" x2="${width}" y2="${height}" stroke="#606070" stroke-width="3"/></svg>\n`
}

/** Writes each placeholder of a deck's sources entry under `root` (the deck's temp copy). */
export async function writePlaceholders(root, placeholders) {
  for (const { path: file, width, height } of placeholders) {
    const target = path.join(root, file)
    await mkdir(path.dirname(target), { recursive: true })
    const w = Math.max(1, Math.min(width, 2400))
    const h = Math.max(1, Math.min(height, 2400))
    await writeFile(target, /\.svg$/i.test(file) ? placeholderSvg(w, h) : placeholderPng(w, h))
  }
}
