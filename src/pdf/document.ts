import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString, type PDFRef } from 'pdf-lib'
import { relativeUrl } from '../write/relativize.js'

export interface PdfMeta {
  readonly title: string
  readonly author: string | undefined
  readonly subject: string
  readonly keywords: readonly string[]
  /** One entry per slide: its first heading, for the bookmarks. */
  readonly outline: readonly (string | undefined)[]
  /** One entry per slide, put on its page as a text annotation when set. */
  readonly notes: readonly string[] | undefined
  readonly date: Date
  readonly generator: string
  /** Content key of what was printed; a later build reuses the PDF when its key is the same. */
  readonly key: string
  /**
   * Links into the site are printed as URLs of the printer's private server (`origin`, with its
   * slash). They become the site's public URLs under `baseUrl` when there is one, else URLs
   * relative to the PDF's folder (`pdfDir`, encoded), which is also its page's folder.
   */
  readonly siteLinks?: { readonly origin: string; readonly pdfDir: string; readonly baseUrl: string | undefined } | undefined
}

const KEY_NAME = 'MarpSiteKey'

/**
 * Adds what Chromium's printer does not write: document info (title, author, subject, keywords,
 * fixed dates for reproducible bytes), bookmarks from slide headings, optional notes annotations.
 */
export async function finishPdf(bytes: Uint8Array, meta: PdfMeta): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false })
  doc.setTitle(meta.title, { showInWindowTitleBar: true })
  if (meta.author) doc.setAuthor(meta.author)
  if (meta.subject) doc.setSubject(meta.subject)
  if (meta.keywords.length > 0) doc.setKeywords([...meta.keywords])
  doc.setCreator(meta.generator)
  doc.setProducer(meta.generator)
  doc.setCreationDate(meta.date)
  doc.setModificationDate(meta.date)
  // pdf-lib has no public setter for custom info keys.
  ;(doc as unknown as { getInfoDict(): PDFDict }).getInfoDict().set(PDFName.of(KEY_NAME), PDFString.of(meta.key))

  const pages = doc.getPages()
  if (meta.siteLinks) rewriteSiteLinks(doc, meta.siteLinks)
  addOutline(
    doc,
    pages.map((p) => p.ref),
    meta.outline,
  )
  if (meta.notes) {
    pages.forEach((page, i) => {
      const text = meta.notes?.[i]
      if (!text) return
      const annotation = doc.context.obj({
        Type: 'Annot',
        Subtype: 'Text',
        Rect: [8, page.getHeight() - 32, 32, page.getHeight() - 8],
        Contents: PDFHexString.fromText(text),
        Name: 'Note',
        T: PDFHexString.fromText('Speaker notes'),
        Open: false,
      })
      page.node.addAnnot(doc.context.register(annotation))
    })
  }
  // No object streams: keeps the info dictionary readable by readPdfKey without parsing the file.
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false })
}

function rewriteSiteLinks(doc: PDFDocument, links: NonNullable<PdfMeta['siteLinks']>): void {
  for (const page of doc.getPages()) {
    const annots = page.node.Annots()
    for (let i = 0; annots && i < annots.size(); i += 1) {
      const action = annots.lookupMaybe(i, PDFDict)?.lookupMaybe(PDFName.of('A'), PDFDict)
      const uri = action?.lookupMaybe(PDFName.of('URI'), PDFString, PDFHexString)?.decodeText()
      if (!action || !uri?.startsWith(links.origin)) continue
      const sitePath = uri.slice(links.origin.length)
      const target = links.baseUrl ? `${links.baseUrl}${sitePath}` : relativeUrl(links.pdfDir, sitePath)
      action.set(PDFName.of('URI'), PDFString.of(target))
    }
  }
}

function addOutline(doc: PDFDocument, pageRefs: PDFRef[], titles: readonly (string | undefined)[]): void {
  const entries = pageRefs.map((ref, i) => ({ ref, title: titles[i] })).filter((e): e is { ref: PDFRef; title: string } => !!e.title)
  if (entries.length === 0) return
  const outlinesRef = doc.context.nextRef()
  const itemRefs = entries.map(() => doc.context.nextRef())
  entries.forEach((entry, i) => {
    const item = doc.context.obj({
      Title: PDFHexString.fromText(entry.title),
      Parent: outlinesRef,
      Dest: [entry.ref, 'XYZ', null, null, null],
    })
    if (i > 0) item.set(PDFName.of('Prev'), itemRefs[i - 1] as PDFRef)
    if (i < entries.length - 1) item.set(PDFName.of('Next'), itemRefs[i + 1] as PDFRef)
    doc.context.assign(itemRefs[i] as PDFRef, item)
  })
  const outlines = doc.context.obj({
    Type: 'Outlines',
    First: itemRefs[0] as PDFRef,
    Last: itemRefs[itemRefs.length - 1] as PDFRef,
    Count: PDFNumber.of(entries.length),
  })
  doc.context.assign(outlinesRef, outlines)
  doc.catalog.set(PDFName.of('Outlines'), outlinesRef)
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'))
}

/**
 * The content key a PDF was made from, or undefined unless the file is whole: a PDF cut short (a full
 * disk, a killed copy, a bad deploy sync), run on past its end, or broken where an object starts would
 * otherwise match its key and be published as it is. finishPdf writes one classic cross-reference table
 * at the end (no object streams, no incremental updates), which records where every object starts, and
 * `startxref` where the table starts: the table, trailer and `%%EOF` must end the file exactly there
 * (that is the size the file recorded), and every object must start where the table says and end with
 * `endobj`. Reads small windows of the file only (well under a millisecond for a PDF of hundreds of
 * objects), never the whole file as text.
 */
export function readPdfKey(bytes: Uint8Array): string | undefined {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const objects = objectsIfWhole(file)
  const info = objects?.info === undefined ? undefined : objects.starts.get(objects.info)
  if (info === undefined || objects === undefined) return undefined
  const end = objects.ends.get(info) ?? info
  return new RegExp(`/${KEY_NAME} \\(([0-9a-f]{16,64})\\)`).exec(file.toString('latin1', info, end))?.[1]
}

/** Where each object of a whole PDF starts (by number) and ends (by start), and the number of its info dictionary. */
function objectsIfWhole(file: Buffer): { starts: Map<number, number>; ends: Map<number, number>; info: number | undefined } | undefined {
  const tailAt = Math.max(0, file.length - 1024)
  const tail = /\r?\nstartxref\r?\n(\d+)\r?\n%%EOF(\r?\n)?$/.exec(file.toString('latin1', tailAt))
  if (!tail) return undefined
  const xref = Number(tail[1])
  const trailerEnd = tailAt + tail.index
  if (xref >= trailerEnd || file.toString('latin1', xref, xref + 4) !== 'xref') return undefined
  const starts = new Map<number, number>()
  let at = skipEol(file, xref + 4)
  let size = 0
  for (;;) {
    // A subsection: `first count`, then `count` entries of exactly 20 bytes (`oooooooooo ggggg n` and an EOL).
    const line = /^(\d+) (\d+)\r?\n/.exec(file.toString('latin1', at, at + 32))
    if (!line) break
    const first = Number(line[1])
    const count = Number(line[2])
    at += line[0].length
    if (at + count * 20 > trailerEnd) return undefined
    for (let i = 0; i < count; i += 1, at += 20) {
      const entry = /^(\d{10}) (\d{5}) ([nf])[ \r][\r\n]$/.exec(file.toString('latin1', at, at + 20))
      if (!entry) return undefined
      if (entry[3] === 'n') starts.set(first + i, Number(entry[1]))
    }
    size = Math.max(size, first + count)
  }
  // The trailer runs from the table's end to `startxref`: nothing before or after it, and no earlier table (/Prev).
  const trailer = /^\s*trailer\s*<<([\s\S]*)>>\s*$/.exec(file.toString('latin1', at, trailerEnd))?.[1]
  if (trailer === undefined || /\/Prev\b/.test(trailer) || Number(/\/Size (\d+)/.exec(trailer)?.[1]) !== size) return undefined
  const info = /\/Info (\d+) \d+ R/.exec(trailer)?.[1]
  // Each object starts where the table says, with its own number, and ends with `endobj` before the next begins.
  const sorted = [...starts].sort((a, b) => a[1] - b[1])
  const ends = new Map<number, number>()
  for (const [i, [number, start]] of sorted.entries()) {
    const end = sorted[i + 1]?.[1] ?? xref
    const head = file.toString('latin1', start, start + 24)
    if (start >= end || !head.startsWith(`${number} `) || !/^\d+ \d+ obj\s/.test(head)) return undefined
    if (!/endobj\s*$/.test(file.toString('latin1', Math.max(start, end - 16), end))) return undefined
    ends.set(start, end)
  }
  return { starts, ends, info: info === undefined ? undefined : Number(info) }
}

/** The position after an end of line at `at` (LF, CR or CRLF). */
function skipEol(file: Buffer, at: number): number {
  if (file[at] === 0x0d) at += 1
  if (file[at] === 0x0a) at += 1
  return at
}
