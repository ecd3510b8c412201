import { FIELDS, type FieldSpec, type ImportRow, VALUE_FIELDS } from '@product-importer/core'

/** The value fields in the field table's order: the order of every per-field array here. */
export const VALUE_SPECS: readonly FieldSpec[] = VALUE_FIELDS.map((field) => FIELDS[field])

/** A value as the `products` table stores it in SQLite: text, a number, or NULL. */
export type StoredValue = string | number | null

/** What a new product gets for each value field its row does not give, as stored. */
export const DEFAULTS: readonly StoredValue[] = VALUE_SPECS.map((spec) => {
  const value = spec.default ?? null
  if (Array.isArray(value)) return JSON.stringify(value)
  return typeof value === 'boolean' ? (value ? 1 : 0) : (value as StoredValue)
})

/** Per row and value field of a {@link PackedBatch}: whether the row gives it. */
const Gives = { No: 0, Value: 1, Null: 2 } as const

/** Text fields, and lists as their JSON text, travel in the batch's text. */
const TEXT = VALUE_SPECS.map((spec) => spec.kind === 'text' || spec.kind === 'list')
/** Where each value field sits: its number among the text fields, or among the others. */
const SLOT = (() => {
  let texts = 0
  let numbers = 0
  return TEXT.map((isText) => (isText ? texts++ : numbers++))
})()
const TEXTS = TEXT.filter(Boolean).length
const NUMBERS = TEXT.length - TEXTS
/** Text values per row: the SKU, its key, then the text fields. */
const TEXTS_PER_ROW = 2 + TEXTS

/**
 * A batch as it crosses to the writer thread. The text of every row (SKU, SKU key and the
 * text fields) is one string, so the clone copies one block instead of 40,000 strings, and the
 * thread slices each value out just before it binds it: a batch's text then never lives as
 * thousands of young objects that every collection during the batch would copy.
 */
export interface PackedBatch {
  /** {@link TEXTS_PER_ROW} values per row, one after another; an absent one is empty. */
  text: string
  /** Where each value of `text` ends. */
  ends: Uint32Array
  /** The other value fields as stored (booleans as 1 or 0), row by row. */
  numbers: Float64Array
  /** Per row and value field: {@link Gives}. */
  gives: Uint8Array
}

/**
 * A batch as the writer reads it: the rows' SKU keys up front (it visits them in key order),
 * their other values one at a time, by index.
 */
export interface WriterBatch {
  keys: readonly string[]
  sku(index: number): string
  /**
   * The stored value of value field `field` (its place in {@link VALUE_SPECS}) that row
   * `index` gives: `null` to clear it, `undefined` when the row does not give it.
   */
  value(field: number, index: number): StoredValue | undefined
}

/** A row's value as SQLite stores it; `undefined` when the row does not give it. */
function storedValue(spec: FieldSpec, value: unknown): StoredValue | undefined {
  if (value === undefined || value === null) return value
  if (spec.kind === 'list') return JSON.stringify(value)
  return spec.kind === 'boolean' ? (value ? 1 : 0) : (value as string | number)
}

/** `rows` as they cross to the writer thread. */
export function packBatch(rows: readonly ImportRow[]): PackedBatch {
  const n = rows.length
  const fields = VALUE_SPECS.length
  const ends = new Uint32Array(n * TEXTS_PER_ROW)
  const numbers = new Float64Array(n * NUMBERS)
  const gives = new Uint8Array(n * fields)
  // Appended one by one, the text is a rope that the clone flattens once.
  let text = ''
  for (let i = 0; i < n; i++) {
    const row = rows[i]! as unknown as Record<string, unknown>
    let at = i * TEXTS_PER_ROW
    text += row.sku
    ends[at++] = text.length
    text += row.skuKey
    ends[at++] = text.length
    for (let f = 0; f < fields; f++) {
      const spec = VALUE_SPECS[f]!
      const value = storedValue(spec, row[spec.key])
      gives[i * fields + f] =
        value === undefined ? Gives.No : value === null ? Gives.Null : Gives.Value
      if (TEXT[f]) {
        if (typeof value === 'string') text += value
        ends[at + SLOT[f]!] = text.length
      } else if (typeof value === 'number') numbers[i * NUMBERS + SLOT[f]!] = value
    }
  }
  return { text, ends, numbers, gives }
}

/** A packed batch, read where it arrived. */
export function readPackedBatch(batch: PackedBatch): WriterBatch {
  const { text, ends, numbers, gives } = batch
  const fields = VALUE_SPECS.length
  const slice = (at: number) => text.slice(at === 0 ? 0 : ends[at - 1], ends[at])
  const keys: string[] = new Array(gives.length / fields)
  for (let i = 0; i < keys.length; i++) keys[i] = slice(i * TEXTS_PER_ROW + 1)
  return {
    keys,
    sku: (index) => slice(index * TEXTS_PER_ROW),
    value: (field, index) => {
      const given = gives[index * fields + field]
      if (given === Gives.No) return undefined
      if (given === Gives.Null) return null
      return TEXT[field]
        ? slice(index * TEXTS_PER_ROW + 2 + SLOT[field]!)
        : numbers[index * NUMBERS + SLOT[field]!]!
    },
  }
}

/** Rows read where they are (the writer on the calling thread). */
export function readRows(rows: readonly ImportRow[]): WriterBatch {
  return {
    keys: rows.map((row) => row.skuKey),
    sku: (index) => rows[index]!.sku,
    value: (field, index) => {
      const spec = VALUE_SPECS[field]!
      return storedValue(spec, (rows[index] as unknown as Record<string, unknown>)[spec.key])
    },
  }
}
