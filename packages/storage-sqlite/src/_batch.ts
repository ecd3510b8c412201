import type { ImportRow } from '@product-importer/core'

/** Per row of a {@link PackedBatch}: which optional values the row gives. */
const GIVES = { name: 1, description: 2, price: 4, priceNull: 8, quantity: 16 } as const

/**
 * A batch as it crosses to the writer thread. The text of every row (SKU, SKU key, name and
 * description) is one string, so the clone copies one block instead of 40,000 strings, and
 * the thread slices each value out just before it binds it: a batch's text then never lives as
 * thousands of young objects that every collection during the batch would copy.
 */
export interface PackedBatch {
  /** Four values per row, one after another; an absent name or description is empty. */
  text: string
  /** Where each value of `text` ends: four per row. */
  ends: Uint32Array
  priceCents: Float64Array
  quantity: Float64Array
  /** 1, 0, or -1 when not given. */
  active: Int8Array
  /** Per row: {@link GIVES}'s flags. */
  gives: Uint8Array
}

/**
 * A batch as the writer reads it: the rows' SKU keys up front (it visits them in key order),
 * their other values one at a time, by index.
 */
export interface WriterBatch {
  keys: readonly string[]
  sku(index: number): string
  name(index: number): string | undefined
  description(index: number): string | undefined
  /** The price given: cents, `null` to clear it, `undefined` when not given. */
  priceCents(index: number): number | null | undefined
  quantity(index: number): number | undefined
  /** 1 or 0 as stored, -1 when not given. */
  active(index: number): number
}

/** `rows` as they cross to the writer thread. */
export function packBatch(rows: readonly ImportRow[]): PackedBatch {
  const n = rows.length
  const batch: PackedBatch = {
    text: '',
    ends: new Uint32Array(n * 4),
    priceCents: new Float64Array(n),
    quantity: new Float64Array(n),
    active: new Int8Array(n),
    gives: new Uint8Array(n),
  }
  // Appended one by one, the text is a rope that the clone flattens once.
  let text = ''
  for (let i = 0; i < n; i++) {
    const row = rows[i]!
    const at = i * 4
    let gives = 0
    text += row.sku
    batch.ends[at] = text.length
    text += row.skuKey
    batch.ends[at + 1] = text.length
    if (row.name !== undefined) {
      gives |= GIVES.name
      text += row.name
    }
    batch.ends[at + 2] = text.length
    if (row.description !== undefined) {
      gives |= GIVES.description
      text += row.description
    }
    batch.ends[at + 3] = text.length
    if (row.priceCents === null) gives |= GIVES.price | GIVES.priceNull
    else if (row.priceCents !== undefined) {
      gives |= GIVES.price
      batch.priceCents[i] = row.priceCents
    }
    if (row.quantity !== undefined) {
      gives |= GIVES.quantity
      batch.quantity[i] = row.quantity
    }
    batch.active[i] = row.active === undefined ? -1 : row.active ? 1 : 0
    batch.gives[i] = gives
  }
  batch.text = text
  return batch
}

/** A packed batch, read where it arrived. */
export function readPackedBatch(batch: PackedBatch): WriterBatch {
  const { text, ends, gives } = batch
  const value = (at: number) => text.slice(at === 0 ? 0 : ends[at - 1], ends[at])
  const keys: string[] = new Array(gives.length)
  for (let i = 0; i < keys.length; i++) keys[i] = value(i * 4 + 1)
  return {
    keys,
    sku: (index) => value(index * 4),
    name: (index) => (gives[index]! & GIVES.name ? value(index * 4 + 2) : undefined),
    description: (index) => (gives[index]! & GIVES.description ? value(index * 4 + 3) : undefined),
    priceCents: (index) => {
      const flags = gives[index]!
      return flags & GIVES.priceNull
        ? null
        : flags & GIVES.price
          ? batch.priceCents[index]
          : undefined
    },
    quantity: (index) => (gives[index]! & GIVES.quantity ? batch.quantity[index] : undefined),
    active: (index) => batch.active[index]!,
  }
}

/** Rows read where they are (the writer on the calling thread). */
export function readRows(rows: readonly ImportRow[]): WriterBatch {
  return {
    keys: rows.map((row) => row.skuKey),
    sku: (index) => rows[index]!.sku,
    name: (index) => rows[index]!.name,
    description: (index) => rows[index]!.description,
    priceCents: (index) => rows[index]!.priceCents,
    quantity: (index) => rows[index]!.quantity,
    active: (index) => {
      const { active } = rows[index]!
      return active === undefined ? -1 : active ? 1 : 0
    },
  }
}
