import { type ImportRow, nameKey, unknownKind } from '@product-importer/core'
import { VALUE_SPECS } from './_batch-sql.js'

const SPECIAL = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function text(value: string | undefined): string {
  if (value === undefined) return '\\N'
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value
}

/** One value in COPY text: `\N` for NULL (or not given). */
function copyValue(kind: (typeof VALUE_SPECS)[number]['kind'], value: unknown): string {
  if (value === undefined || value === null) return '\\N'
  switch (kind) {
    case 'text':
      return text(value as string)
    case 'boolean':
      return value ? 't' : 'f'
    case 'list':
      return text(JSON.stringify(value))
    case 'money':
    case 'integer':
      return String(value)
    default:
      return unknownKind(kind)
  }
}

const KEYS = VALUE_SPECS.map((spec) => spec.key)
const KINDS = VALUE_SPECS.map((spec) => spec.kind)
const NULLABLE = VALUE_SPECS.map((spec) => spec.nullable)

/**
 * Rows `from` to `to` (exclusive) of a batch in COPY text format for the `pi_stage` table
 * (`STAGE_VALUE_COLUMNS` after idx, id, sku, sku_key and name_key), each with an id in case it
 * turns out to be a new product, and the key its name sorts by. A field the row does not give is
 * NULL, and a nullable field's `has_` flag tells a missing value from an explicit `null`.
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
    const values = r as unknown as Record<string, unknown>
    const key = r.name === undefined ? undefined : nameKey(r.name)
    out += `${i}\t${nextId()}\t${text(r.sku)}\t${text(r.skuKey)}\t${text(key)}`
    for (let f = 0; f < KEYS.length; f++) {
      const value = values[KEYS[f]!]
      out += `\t${copyValue(KINDS[f]!, value)}`
      if (NULLABLE[f]) out += value === undefined ? '\tf' : '\tt'
    }
    out += '\n'
  }
  return out
}
