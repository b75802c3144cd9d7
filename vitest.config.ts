import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take longest, longest first. Vitest starts files by the durations of the last run it
 * remembers, and without one (a clean clone: CI) by file size, which would start the npm package test
 * (a small file, a minute of `npm pack` and `npm install`) near the end, alone. These start first;
 * the rest follow in Vitest's own order.
 */
const SLOWEST_FIRST = [
  'test/package.test.ts',
  'test/pdf.test.ts',
  'test/build.test.ts',
  'test/cache.test.ts',
  'test/faults.test.ts',
  'test/check.test.ts',
  'test/hardening-browser.test.ts',
  'test/dev.test.ts',
  'test/external-requests.test.ts',
  'test/cli.test.ts',
  'test/hardening-input.test.ts',
  'test/runtime.test.ts',
]

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const i = SLOWEST_FIRST.findIndex((name) => spec.moduleId.endsWith(`/${name}`))
      return i === -1 ? SLOWEST_FIRST.length : i
    }
    // Array.prototype.sort is stable: files not listed keep Vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Three files at a time on two cores: much of a test is waiting on Chromium or the disk. Measured on
    // the 2-core machine, whole suite: 561 s with 2 workers, 460 s with 3, the same tests passing.
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
  },
})
