import { encodePath } from '../discover/slug.js'
import type { Download } from '../template/data.js'
import type { Staging } from './outdir.js'

/**
 * The downloads a deck offers on its page and its index card: the files that exist, with their size.
 * Pure but for `sizedDownloads`, which reads the sizes from the staging folder's stamps.
 */

/** A file of the site and its size in bytes. */
export interface SizedFile {
  readonly path: string
  readonly bytes: number
}

/** The downloads of a deck, PDF first; hrefs are site paths, encoded (templates put `page.root` before them). */
export function downloadsOf(files: { readonly pdf?: SizedFile | undefined; readonly pptx?: SizedFile | undefined }): Download[] {
  const list: Download[] = []
  if (files.pdf) list.push(download('pdf', 'PDF', files.pdf))
  if (files.pptx) list.push(download('pptx', 'PowerPoint', files.pptx))
  return list
}

function download(kind: Download['kind'], label: string, file: SizedFile): Download {
  return { kind, label, href: encodePath(file.path), bytes: file.bytes, size: humanSize(file.bytes) }
}

/** A size as people read it: `512 B`, `38 KB`, `1.4 MB` (decimal units, as file managers show them). */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** The size in a file's stamp (statStamp: `ino size mtime`), as `Staging.stateOf` answers it. */
export function sizeOfState(state: string | undefined): number | undefined {
  const size = state?.split(' ')[1]
  return size === undefined ? undefined : Number(size)
}

/** The downloads of a deck from its files in the new site, with their sizes. */
export async function sizedDownloads(staging: Staging, pdf: string | null, pptx: string | null): Promise<Download[]> {
  const sized = async (sitePath: string | null): Promise<SizedFile | undefined> => {
    const bytes = sitePath === null ? undefined : sizeOfState(await staging.stateOf(sitePath))
    return sitePath === null || bytes === undefined ? undefined : { path: sitePath, bytes }
  }
  return downloadsOf({ pdf: await sized(pdf), pptx: await sized(pptx) })
}
