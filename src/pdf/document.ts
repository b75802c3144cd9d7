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

/** The content key a PDF was made from, read without parsing the whole file. */
export function readPdfKey(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  const match = new RegExp(`/${KEY_NAME} \\(([0-9a-f]{16,64})\\)`).exec(text)
  return match?.[1]
}
