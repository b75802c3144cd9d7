import { crc32 } from 'node:zlib'

/**
 * A social card's reuse key, kept inside the PNG itself as a `tEXt` chunk (as a PDF keeps its own in
 * its Info dictionary): a build reuses the previous card when the key it would print it with is the one
 * the file carries. Pure byte work on a PNG; nothing is decoded.
 */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const KEYWORD = 'MarpSiteKey'
/** Signature, then the IHDR chunk (length, type, 13 bytes, CRC): where the key chunk goes. */
const AFTER_IHDR = 8 + 4 + 4 + 13 + 4

/** The PNG with the key in a `tEXt` chunk right after its header. */
export function withCardKey(png: Uint8Array, key: string): Uint8Array {
  const bytes = Buffer.from(png)
  if (!bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG')
  const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(`${KEYWORD}\0${key}`, 'latin1')])
  const chunk = Buffer.alloc(4 + body.length + 4)
  chunk.writeUInt32BE(body.length - 4, 0)
  body.copy(chunk, 4)
  chunk.writeUInt32BE(crc32(body), 4 + body.length)
  return Buffer.concat([bytes.subarray(0, AFTER_IHDR), chunk, bytes.subarray(AFTER_IHDR)])
}

/** The key a card carries (see withCardKey), or undefined for any other file. */
export function readCardKey(png: Uint8Array): string | undefined {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (bytes.length < AFTER_IHDR + 12 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined
  const length = bytes.readUInt32BE(AFTER_IHDR)
  const end = AFTER_IHDR + 8 + length
  if (bytes.toString('latin1', AFTER_IHDR + 4, AFTER_IHDR + 8) !== 'tEXt' || end + 4 > bytes.length) return undefined
  if (bytes.readUInt32BE(end) !== crc32(bytes.subarray(AFTER_IHDR + 4, end))) return undefined
  const text = bytes.toString('latin1', AFTER_IHDR + 8, end)
  return text.startsWith(`${KEYWORD}\0`) ? text.slice(KEYWORD.length + 1) : undefined
}

/** Width and height from a PNG's header. */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}
