/** What a PPTX is made of: the deck's pictures, one per slide, and its notes and metadata. */
export interface PptxInput {
  readonly slides: readonly Uint8Array[]
  readonly format: 'png' | 'jpeg'
  /** The slide size in CSS pixels (the PPTX's slides have the same aspect ratio, at 96 px per inch). */
  readonly width: number
  readonly height: number
  /** Each slide's speaker notes (Markdown text as written). */
  readonly notes: readonly string[]
  /** false: the notes pane is left empty (private notes). */
  readonly includeNotes: boolean
  readonly title: string
  readonly author: string | undefined
  readonly subject: string
}

/** Pixels per inch of a PPTX slide, as PowerPoint's own 16:9 layout (13.333 × 7.5 in for 1280 × 720). */
const PX_PER_INCH = 96

/**
 * A PowerPoint file of the deck with pptxgenjs (which marp-cli uses too): one slide per slide at the
 * deck's aspect ratio, its picture full-bleed, its notes in the notes pane, title, author and
 * description in the file's properties. Not editable: each slide is a picture.
 */
export async function makePptx(input: PptxInput): Promise<Uint8Array> {
  // Loaded only when a PPTX is made. Node loads its ES module, whose default export is the class; its
  // types are CommonJS ones, which put that class one `default` deeper.
  const loaded = await import('pptxgenjs')
  const PptxGenJS = loaded.default as unknown as typeof loaded.default.default
  const pptx = new PptxGenJS()
  const w = input.width / PX_PER_INCH
  const h = input.height / PX_PER_INCH
  pptx.defineLayout({ name: 'MARP_SITE', width: w, height: h })
  pptx.layout = 'MARP_SITE'
  pptx.title = input.title
  pptx.subject = input.subject
  if (input.author) pptx.author = input.author
  pptx.company = ''
  const mime = input.format === 'png' ? 'image/png' : 'image/jpeg'
  input.slides.forEach((image, i) => {
    const slide = pptx.addSlide()
    slide.addImage({ data: `${mime};base64,${Buffer.from(image).toString('base64')}`, x: 0, y: 0, w, h })
    const notes = input.notes[i]
    if (input.includeNotes && notes) slide.addNotes(notes)
  })
  return (await pptx.write({ outputType: 'uint8array', compression: true })) as Uint8Array
}
