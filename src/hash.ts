import { createHash } from 'node:crypto'

/** sha-256 of `data` in hex, cut to `length` characters. */
export function sha256(data: string | Uint8Array, length = 64): string {
  return createHash('sha256').update(data).digest('hex').slice(0, length)
}

/** Short hash of a file's content, for names that change with it (`deck.<hash>.css`). */
export function contentHash(data: string | Uint8Array): string {
  return sha256(data, 12)
}

/** A fixed-length digest of anything JSON can hold (cache keys). */
export function digest(...parts: unknown[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(typeof part === 'string' ? part : (JSON.stringify(part) ?? 'undefined')).update('\0')
  return hash.digest('hex').slice(0, 32)
}
