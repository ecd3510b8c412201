import { skuKey } from '../product/sku-key.js'
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SKU_LENGTH,
  parseActive,
  textProblem,
} from '../product/values.js'
import type { ImportRow, RowError } from '../storage/types.js'
import { unguardFormula } from './formula-guard.js'
import { PRODUCT_FIELDS } from './header.js'
import { type DecimalSeparator, parseShopPrice, parseShopQuantity } from './shop-numbers.js'

/**
 * A text cell as imported: trimmed and, in a file the safe export marked, without the `'` it put
 * before formula-like text, so export then import gives back the same text.
 */
function textCell(raw: string, guarded: boolean): string {
  const text = raw.trim()
  return guarded ? unguardFormula(text) : text
}

/**
 * A record's cells in {@link PRODUCT_FIELDS} order (`sku`, `name`, `description`, `price`,
 * `quantity`, `active`); `undefined` where the file gives the field no column.
 */
export type FieldCells = (string | undefined)[]

/** Says what is wrong when a record has more or fewer cells than the header. */
export function widthProblem(record: readonly string[], width: number): string | undefined {
  if (record.length > width) {
    for (let i = width; i < record.length; i++) {
      if (record[i]!.trim() !== '')
        return `row has ${record.length} fields but the header has ${width}`
    }
  } else if (record.length < width)
    return `row has ${record.length} fields but the header has ${width}`
  return undefined
}

/**
 * Builds one import row from a record's field cells, or the problems that make it invalid.
 * Empty cells are "not given" and stay `undefined`; `problem` is one about the whole record.
 */
export function toImportRow(
  cells: FieldCells,
  line: number,
  decimal: DecimalSeparator,
  problem?: string,
  guarded = false,
): ImportRow | RowError[] {
  const row: Partial<ImportRow> & { line: number } = { line }
  let errors: RowError[] | undefined
  const fail = (column: string, value: string, message: string) => {
    errors ??= []
    errors.push({ line, sku: null, column, value, message })
  }
  if (problem !== undefined) fail('', '', problem)

  for (let i = 0; i < PRODUCT_FIELDS.length; i++) {
    const field = PRODUCT_FIELDS[i]!
    const raw = cells[i]
    if (raw === undefined || raw === '' || raw.trim() === '') continue
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
        const price = parseShopPrice(raw, decimal)
        if (price.ok) row.priceCents = price.value
        else fail('price', raw, price.message)
        break
      }
      case 'quantity': {
        const quantity = parseShopQuantity(raw, decimal)
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
