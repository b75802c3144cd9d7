// Types of edges.mjs, for the unit test (test/compat-verify.test.ts).
import type { Measured } from './verify.mjs'

export function measureEdges(tolerance: number): Measured[]
