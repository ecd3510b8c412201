import { skuKey } from '../product/sku-key.js'
import { parseActive, parseProductText, type TextField } from '../product/values.js'
import type { ImportRow, RowError } from '../storage/types.js'
import {
  type FormulaGuard,
  looksGuarded,
  missingGuardMessage,
  unguardFormula,
} from './formula-guard.js'
import { PRODUCT_FIELDS } from './header.js'
import { type DecimalReading, parseShopPrice, parseShopQuantity } from './shop-numbers.js'

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
  decimal: DecimalReading,
  problem?: string,
  guard: FormulaGuard = 'keep',
): ImportRow | RowError[] {
  const row: Partial<ImportRow> & { line: number } = { line }
  let errors: RowError[] | undefined
  const fail = (column: string, value: string, message: string) => {
    errors ??= []
    errors.push({ line, sku: null, column, value, message })
  }
  if (problem !== undefined) fail('', '', problem)
  // A text cell by the API's rule (parseProductText), once the safe export's guard is undone:
  // the guard is the first character of the text as stored, which for a description is the
  // cell's first character (its leading whitespace is text).
  const text = (field: TextField, raw: string): string | undefined => {
    let cell = raw
    if (guard !== 'keep' && field !== 'description') cell = raw.trim()
    if (guard === 'undo') cell = unguardFormula(cell)
    else if (guard === 'refuse' && looksGuarded(cell)) {
      fail(field, raw, missingGuardMessage(field, cell.trimEnd()))
      return undefined
    }
    const parsed = parseProductText(field, cell)
    if (parsed.ok) return parsed.value
    fail(field, raw, parsed.message)
    return undefined
  }

  for (let i = 0; i < PRODUCT_FIELDS.length; i++) {
    const field = PRODUCT_FIELDS[i]!
    const raw = cells[i]
    if (raw === undefined || raw === '' || raw.trim() === '') continue
    switch (field) {
      case 'sku': {
        const sku = text('sku', raw)
        if (sku !== undefined) {
          row.sku = sku
          row.skuKey = skuKey(sku)
        }
        break
      }
      case 'name': {
        const name = text('name', raw)
        if (name !== undefined) row.name = name
        break
      }
      case 'description': {
        const description = text('description', raw)
        if (description !== undefined) row.description = description
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
