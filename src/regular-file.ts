import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'

/**
 * What a read of a file the user gave us found: its bytes, or why they were not read. A FIFO, a
 * socket or a device is never read (a FIFO with no writer blocks the read for good), and a file over
 * the size limit is refused from its size alone, before a byte of it is in memory.
 */
export type RegularRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly notRegular: true }
  | { readonly ok: false; readonly size: number }

/** How messages say that a file is not one we read. */
export const NOT_REGULAR = 'is not a regular file (a FIFO, socket or device)'

/**
 * Opened non-blocking, so that opening a FIFO returns at once instead of waiting for a writer; then
 * checked on the open descriptor, so that nothing can swap the file between the check and the read.
 * (O_NONBLOCK does not exist on Windows, where there are no FIFOs to open by name.)
 */
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** Reads a regular file of at most `maxBytes` bytes; throws what open and read throw (ENOENT, EACCES...). */
export function readRegularFileSync(file: string, maxBytes = Number.POSITIVE_INFINITY): RegularRead {
  const fd = openSync(file, FLAGS)
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) return { ok: false, notRegular: true }
    if (info.size > maxBytes) return { ok: false, size: info.size }
    return { ok: true, bytes: readFileSync(fd) }
  } finally {
    closeSync(fd)
  }
}

/** As readRegularFileSync, through the thread pool. */
export async function readRegularFile(file: string, maxBytes = Number.POSITIVE_INFINITY): Promise<RegularRead> {
  const handle = await open(file, FLAGS)
  try {
    const info = await handle.stat()
    if (!info.isFile()) return { ok: false, notRegular: true }
    if (info.size > maxBytes) return { ok: false, size: info.size }
    return { ok: true, bytes: await handle.readFile() }
  } finally {
    await handle.close()
  }
}
