import { type ImportRow, nameKey } from '@product-importer/core'

const SPECIAL = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function text(value: string | undefined): string {
  if (value === undefined) return '\\N'
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value
}

const num = (value: number | null | undefined) => (value == null ? '\\N' : String(value))
const bool = (value: boolean | undefined) => (value === undefined ? '\\N' : value ? 't' : 'f')

/**
 * Rows `from` to `to` (exclusive) of a batch in COPY text format for the `pi_stage` table, each
 * with an id in case it turns out to be a new product, and the key its name sorts by. A field the row does not give is NULL,
 * and `has_price` tells a missing price from an explicit "no price".
 */
export function toCopyText(
  rows: readonly ImportRow[],
  from: number,
  to: number,
  nextId: () => string,
): string {
  let out = ''
  const end = Math.min(to, rows.length)
  for (let i = from; i < end; i++) {
    const r = rows[i]!
    const key = r.name === undefined ? undefined : nameKey(r.name)
    out += `${i}\t${nextId()}\t${text(r.sku)}\t${text(r.skuKey)}\t${text(r.name)}\t${text(key)}\t${text(r.description)}\t${num(
      r.priceCents,
    )}\t${r.priceCents === undefined ? 'f' : 't'}\t${num(r.quantity)}\t${bool(r.active)}\n`
  }
  return out
}
