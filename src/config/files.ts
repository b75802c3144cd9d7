import { stat } from 'node:fs/promises'
import { MarpSiteError, reason } from '../errors.js'
import { NOT_REGULAR, readRegularFile } from '../regular-file.js'

/** The text of a config file (`where`: its name in the message); only a regular file, never a FIFO that would block the read. */
export async function readConfigText(file: string, where: string): Promise<string> {
  try {
    const read = await readRegularFile(file)
    if (!read.ok) throw new Error(NOT_REGULAR)
    return read.bytes.toString('utf8')
  } catch (error) {
    throw new MarpSiteError('CONFIG', `Cannot read ${where}: ${reason(error)}`, { cause: error, file: where })
  }
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    // Not there (or not reachable): the caller says what it expected to find.
    return false
  }
}

export async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory()
  } catch {
    // Not there (or not reachable): the caller says what it expected to find.
    return false
  }
}
