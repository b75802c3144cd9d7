/** The part of pngjs (a devDependency without its own types) the tests use: decoding a PNG to RGBA. */
declare module 'pngjs' {
  export const PNG: {
    sync: { read(data: Buffer): { width: number; height: number; data: Buffer } }
  }
}
