import { VALUE_SPECS } from '../product/fields.js'
import type { ImportRow } from '../storage/types.js'

const KEYS = VALUE_SPECS.map((spec) => spec.key as keyof ImportRow)

/**
 * Folds rows of the same SKU in one batch into one, exactly as if they were applied in order:
 * each later row's given fields win, its absent fields keep the earlier values, and its SKU
 * spelling and line are kept. Returns how many rows were folded into an earlier one.
 */
export function mergeBatch(rows: ImportRow[]): { rows: ImportRow[]; duplicates: number } {
  const at = new Map<string, number>()
  const merged: ImportRow[] = []
  for (const row of rows) {
    const index = at.get(row.skuKey)
    if (index === undefined) {
      at.set(row.skuKey, merged.length)
      merged.push(row)
      continue
    }
    const into = { ...merged[index]!, line: row.line, sku: row.sku }
    for (const key of KEYS) {
      if (row[key] !== undefined) (into as Record<string, unknown>)[key] = row[key]
    }
    merged[index] = into
  }
  return { rows: merged, duplicates: rows.length - merged.length }
}
