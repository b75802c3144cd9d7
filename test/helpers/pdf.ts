import { readFile } from 'node:fs/promises'

/** A PDF parsed with pdf.js: pages' sizes and text, metadata, bookmarks, annotations, images, tags. */
export async function readPdf(file: string) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const data = new Uint8Array(await readFile(file))
  const doc = await pdfjs.getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise
  const pages = []
  for (let i = 1; i <= doc.numPages; i += 1) {
    const page = await doc.getPage(i)
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view
    const text = (await page.getTextContent()).items
      .map((item) => ('str' in item ? item.str : ''))
      .join(' ')
      .replace(/\s+/g, ' ')
    const ops = await page.getOperatorList()
    const imageOps = ops.fnArray.flatMap((fn, i) =>
      fn === pdfjs.OPS.paintImageXObject || fn === pdfjs.OPS.paintInlineImageXObject ? [ops.argsArray[i] as unknown[]] : [],
    )
    const images = imageOps.length
    // Width × height in image pixels of each image painted (paintImageXObject's arguments).
    const imageSizes = imageOps.map((args) => `${String(args[1])}x${String(args[2])}`)
    // Roles in the page's structure tree (a tagged PDF's headings, lists, figures...).
    const roles: string[] = []
    const walk = (node: { role?: string; children?: unknown[] } | null | undefined) => {
      if (!node) return
      if (node.role) roles.push(node.role)
      for (const child of node.children ?? []) walk(child as { role?: string; children?: unknown[] })
    }
    walk((await page.getStructTree()) as { role?: string; children?: unknown[] } | null)
    const annotations = (await page.getAnnotations()).map((a: { subtype?: string; contentsObj?: { str?: string }; unsafeUrl?: string }) => ({
      subtype: a.subtype,
      contents: a.contentsObj?.str,
      ...(a.unsafeUrl === undefined ? {} : { url: a.unsafeUrl }),
    }))
    pages.push({ width: Math.round(x1 - x0), height: Math.round(y1 - y0), text, images, imageSizes, roles, annotations })
  }
  const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown> }
  // The fonts embedded in the file, without their subset tags (`ABCDEF+KaTeX_Main-Regular`).
  const { PDFDocument, PDFDict, PDFName } = await import('pdf-lib')
  const raw = await PDFDocument.load(await readFile(file), { updateMetadata: false })
  const fonts = new Set<string>()
  for (const [, object] of raw.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type'))?.toString() !== '/Font') continue
    const name = object.get(PDFName.of('BaseFont'))?.toString()
    if (name) fonts.add(name.replace(/^\/([A-Z]{6}\+)?/, ''))
  }
  const outline = ((await doc.getOutline()) ?? []).map((item: { title: string }) => item.title)
  await doc.destroy()
  return { pages, info, outline, fonts: [...fonts].sort(), bytes: data }
}
