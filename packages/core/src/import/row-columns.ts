import { VALUE_SPECS } from '../product/fields.js'
import type { ImportRow } from '../storage/types.js'

/** One value field of a batch as a column: texts, or numbers in a typed array. */
type ValueColumn = (string | string[] | undefined)[] | Float64Array | Int8Array

/**
 * Import rows as columns, the form they cross from the parse worker in: the structured clone
 * of a few arrays costs a quarter of that of ten thousand objects. One column per value field
 * of the field table, in its order; "not given" is `undefined` in text columns, NaN in number
 * columns and -1 in boolean ones.
 */
export interface RowColumns {
  line: Int32Array
  sku: string[]
  skuKey: string[]
  values: ValueColumn[]
}

function columnOf(kind: (typeof VALUE_SPECS)[number]['kind'], n: number): ValueColumn {
  switch (kind) {
    case 'text':
    case 'list':
      return new Array(n)
    case 'money':
    case 'integer':
      return new Float64Array(n)
    case 'boolean':
      return new Int8Array(n)
  }
}

/**
 * Rows to columns. A `null` (never produced by CSV) does not survive in a number column;
 * callers don't send one.
 */
export function toColumns(rows: readonly ImportRow[]): RowColumns {
  const n = rows.length
  const line = new Int32Array(n)
  const sku: string[] = new Array(n)
  const skuKey: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const row = rows[i]!
    line[i] = row.line
    sku[i] = row.sku
    skuKey[i] = row.skuKey
  }
  const values = VALUE_SPECS.map((spec) => {
    const column = columnOf(spec.kind, n)
    const key = spec.key as keyof ImportRow
    for (let i = 0; i < n; i++) {
      const value = rows[i]![key]
      if (spec.kind === 'text' || spec.kind === 'list') column[i] = value as string | undefined
      else if (spec.kind === 'boolean') column[i] = value === undefined ? -1 : value ? 1 : 0
      else column[i] = (value as number | null | undefined) ?? Number.NaN
    }
    return column
  })
  return { line, sku, skuKey, values }
}

/** Columns back to rows, leaving fields that were not given absent. */
export function fromColumns(columns: RowColumns): ImportRow[] {
  const n = columns.line.length
  const rows: ImportRow[] = new Array(n)
  for (let i = 0; i < n; i++) {
    rows[i] = { line: columns.line[i]!, sku: columns.sku[i]!, skuKey: columns.skuKey[i]! }
  }
  VALUE_SPECS.forEach((spec, f) => {
    const column = columns.values[f]!
    for (let i = 0; i < n; i++) {
      const value = column[i]
      if (value === undefined) continue
      if (spec.kind === 'boolean') {
        if (value !== -1) (rows[i] as unknown as Record<string, unknown>)[spec.key] = value === 1
      } else if (spec.kind === 'text' || spec.kind === 'list' || !Number.isNaN(value)) {
        ;(rows[i] as unknown as Record<string, unknown>)[spec.key] = value
      }
    }
  })
  return rows
}
