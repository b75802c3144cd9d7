import pLimit from 'p-limit'
import type { Staging } from './outdir.js'

/**
 * The site's writes, sixteen at a time, run while decks still render. A failed write is reported by
 * `settle`, which may come long after it: each outcome is kept as a value meanwhile, so that no
 * failure is an unhandled rejection and every write has ended before the first failure is thrown.
 */
export class WriteQueue {
  private readonly limit = pLimit(16)
  private pending: Promise<{ readonly error: unknown } | undefined>[] = []

  constructor(private readonly staging: Staging) {}

  run(work: () => Promise<void>): void {
    this.pending.push(
      this.limit(work).then(
        () => undefined,
        (error: unknown) => ({ error }),
      ),
    )
  }

  write(sitePath: string, data: string | Uint8Array): void {
    this.run(() => this.staging.write(sitePath, data))
  }

  writeHashed(sitePath: string, data: string | Uint8Array): void {
    this.run(() => this.staging.writeHashed(sitePath, data))
  }

  copy(from: string, sitePath: string): void {
    this.run(() => this.staging.copy(from, sitePath))
  }

  /** Waits for every write queued so far, then throws the first that failed (in queue order). */
  async settle(): Promise<void> {
    const outcomes = await Promise.all(this.pending)
    this.pending = []
    const failed = outcomes.find((o) => o !== undefined)
    if (failed) throw failed.error
  }
}
