import { skuKey } from '../product/sku-key.js'
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SKU_LENGTH,
  parseActive,
  parsePrice,
  parseQuantity,
  textProblem,
} from '../product/values.js'
import type { ImportRow, RowError } from '../storage/types.js'
import { unguardFormula } from './formula-guard.js'
import type { ProductField } from './types.js'

/**
 * A text cell as imported: trimmed and, in a file the safe export marked, without the `'` it put
 * before formula-like text, so export then import gives back the same text.
 */
function textCell(raw: string, guarded: boolean): string {
  const text = raw.trim()
  return guarded ? unguardFormula(text) : text
}

/**
 * Builds one import row from a CSV record, or the problems that make it invalid. Empty cells
 * are "not given" and stay `undefined`. `guarded`: the file is a safe export (see
 * `formula-guard.ts`).
 */
export function toImportRow(
  record: readonly string[],
  fields: readonly (ProductField | null)[],
  line: number,
  guarded = false,
): ImportRow | RowError[] {
  const row: Partial<ImportRow> & { line: number } = { line }
  let errors: RowError[] | undefined
  const fail = (column: string, value: string, message: string) => {
    errors ??= []
    errors.push({ line, sku: null, column, value, message })
  }

  if (record.length > fields.length) {
    for (let i = fields.length; i < record.length; i++) {
      if (record[i]!.trim() !== '') {
        fail('', record[i]!, `row has ${record.length} fields but the header has ${fields.length}`)
        break
      }
    }
  } else if (record.length < fields.length) {
    fail('', '', `row has ${record.length} fields but the header has ${fields.length}`)
  }

  for (let i = 0; i < fields.length && i < record.length; i++) {
    const field = fields[i]
    if (field === null || field === undefined) continue
    const raw = record[i]!
    if (raw === '' || raw.trim() === '') continue
    switch (field) {
      case 'sku': {
        const sku = textCell(raw, guarded)
        const problem = textProblem('sku', sku)
        if (sku.length > MAX_SKU_LENGTH)
          fail('sku', raw, `sku must be at most ${MAX_SKU_LENGTH} characters`)
        else if (problem) fail('sku', raw, problem)
        else {
          row.sku = sku
          row.skuKey = skuKey(sku)
        }
        break
      }
      case 'name': {
        const name = textCell(raw, guarded)
        const problem = textProblem('name', name)
        if (name.length > MAX_NAME_LENGTH)
          fail('name', raw, `name must be at most ${MAX_NAME_LENGTH} characters`)
        else if (problem) fail('name', raw, problem)
        else row.name = name
        break
      }
      case 'description': {
        const description = textCell(raw, guarded)
        if (description.length > MAX_DESCRIPTION_LENGTH) {
          fail(
            'description',
            raw,
            `description must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
          )
        } else {
          const problem = textProblem('description', description)
          if (problem) fail('description', raw, problem)
          else row.description = description
        }
        break
      }
      case 'price': {
        const price = parsePrice(raw)
        if (price.ok) row.priceCents = price.value
        else fail('price', raw, price.message)
        break
      }
      case 'quantity': {
        const quantity = parseQuantity(raw)
        if (quantity.ok) row.quantity = quantity.value
        else fail('quantity', raw, quantity.message)
        break
      }
      case 'active': {
        const active = parseActive(raw)
        if (active.ok) row.active = active.value
        else fail('active', raw, active.message)
        break
      }
    }
  }
  if (row.sku === undefined && !errors?.some((e) => e.column === 'sku')) {
    fail('sku', '', 'sku is required')
  }
  if (errors) {
    for (const error of errors) error.sku = row.sku ?? null
    return errors
  }
  return row as ImportRow
}
