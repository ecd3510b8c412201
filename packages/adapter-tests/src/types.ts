import type { ImporterStorage } from '@product-importer/core'

/** What an adapter hands the conformance suite for one test. */
export interface ConformanceTarget {
  /** A fresh storage over an empty database. The suite calls `migrate()` before each test. */
  storage: ImporterStorage
  /**
   * Runs SQL on the same database without the adapter under test, so tests see what is really
   * stored. Parameters are written `?`; an adapter whose driver wants `$1` translates them.
   */
  raw(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  /** Closes the storage and whatever `raw` opened, and discards the database. */
  close(): Promise<void>
}

/** Returns the target of the running test; the suite builds one per test. */
export type CurrentTarget = () => ConformanceTarget
