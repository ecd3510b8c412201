import type { ImportRow } from '../storage/types.js'

/**
 * Import rows as columns, the form they cross a thread boundary in (from the parse worker, and
 * to SQLite's writer thread): the structured clone of a few arrays costs a quarter of that of ten
 * thousand objects. "Not given" is `undefined` in text columns and -1 in `active`; the number
 * columns carry any number (NaN too), so which were given, and a `null` (cleared) price, are
 * flags in `given`.
 */
export interface RowColumns {
  line: Int32Array
  sku: string[]
  skuKey: string[]
  name: (string | undefined)[]
  description: (string | undefined)[]
  priceCents: Float64Array
  quantity: Float64Array
  active: Int8Array
  /** Per row: {@link GIVEN}'s flags. */
  given: Uint8Array
}

/** Flags of {@link RowColumns.given}. */
export const GIVEN = { price: 1, priceNull: 2, quantity: 4 } as const

/** Rows to columns. */
export function toColumns(rows: readonly ImportRow[]): RowColumns {
  const n = rows.length
  const columns: RowColumns = {
    line: new Int32Array(n),
    sku: new Array(n),
    skuKey: new Array(n),
    name: new Array(n),
    description: new Array(n),
    priceCents: new Float64Array(n),
    quantity: new Float64Array(n),
    active: new Int8Array(n),
    given: new Uint8Array(n),
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i]!
    columns.line[i] = row.line
    columns.sku[i] = row.sku
    columns.skuKey[i] = row.skuKey
    columns.name[i] = row.name
    columns.description[i] = row.description
    let given = 0
    if (row.priceCents === null) given |= GIVEN.price | GIVEN.priceNull
    else if (row.priceCents !== undefined) {
      given |= GIVEN.price
      columns.priceCents[i] = row.priceCents
    }
    if (row.quantity !== undefined) {
      given |= GIVEN.quantity
      columns.quantity[i] = row.quantity
    }
    columns.given[i] = given
    columns.active[i] = row.active === undefined ? -1 : row.active ? 1 : 0
  }
  return columns
}

/** Columns back to rows, leaving fields that were not given absent. */
export function fromColumns(columns: RowColumns): ImportRow[] {
  const n = columns.line.length
  const rows: ImportRow[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const row: ImportRow = {
      line: columns.line[i]!,
      sku: columns.sku[i]!,
      skuKey: columns.skuKey[i]!,
    }
    const name = columns.name[i]
    if (name !== undefined) row.name = name
    const description = columns.description[i]
    if (description !== undefined) row.description = description
    const given = columns.given[i]!
    if (given & GIVEN.priceNull) row.priceCents = null
    else if (given & GIVEN.price) row.priceCents = columns.priceCents[i]!
    if (given & GIVEN.quantity) row.quantity = columns.quantity[i]!
    const active = columns.active[i]!
    if (active !== -1) row.active = active === 1
    rows[i] = row
  }
  return rows
}
