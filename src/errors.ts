/**
 * The one error type of marp-site. Library code throws it (wrapping the cause with context);
 * only the CLI turns it into a message and an exit code.
 */
export type ErrorCode =
  | 'USAGE' // bad flags or arguments
  | 'CONFIG' // config file missing, invalid or throwing; unusable directories
  | 'TEMPLATE' // a template that does not parse or render
  | 'INPUT' // the project as a whole cannot be built (no slides dir, ...)
  | 'IO' // reading or writing the filesystem failed
  | 'BROWSER' // PDFs were required but no usable browser was found
  | 'INTERNAL'

export const EXIT_CODES: Readonly<Record<ErrorCode | 'PROBLEMS', number>> = {
  PROBLEMS: 1, // the build finished, but some decks have errors
  USAGE: 2,
  CONFIG: 3,
  TEMPLATE: 4,
  INPUT: 5,
  IO: 6,
  BROWSER: 7,
  INTERNAL: 70,
}

export class MarpSiteError extends Error {
  override readonly name = 'MarpSiteError'
  readonly code: ErrorCode
  /** File the error is about, relative to the project root when inside it. */
  readonly file: string | undefined
  readonly line: number | undefined

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; file?: string; line?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.file = options.file
    this.line = options.line
  }
}

export function isMarpSiteError(value: unknown): value is MarpSiteError {
  return value instanceof MarpSiteError
}

/** Message of any thrown value, for wrapping: `Reading x: <reason>`. */
export function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    const explained = code ? ERRNO_TEXT[code] : undefined
    return explained ?? error.message
  }
  return String(error)
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
}
