import type { ImportCounts } from './types.js'

/** Counts of an import that has not read a row yet. */
export function emptyCounts(): ImportCounts {
  return { rows: 0, created: 0, updated: 0, unchanged: 0, invalid: 0, duplicatesInFile: 0 }
}
