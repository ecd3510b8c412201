import {
  FIELDS,
  type FieldSpec,
  type ProductField,
  type TextField,
  unknownKind,
} from '../product/fields.js'
import { skuKey } from '../product/sku-key.js'
import {
  type ListField,
  parseBoolean,
  parseList,
  parseProductText,
  splitList,
} from '../product/values.js'
import type { ImportRow, RowError } from '../storage/types.js'
import {
  type FormulaGuard,
  looksGuarded,
  missingGuardMessage,
  unguardFormula,
} from './formula-guard.js'
import { PRODUCT_FIELDS } from './header.js'
import { type DecimalReading, parseShopInteger, parseShopMoney } from './shop-numbers.js'

/** The spec of each cell of {@link FieldCells}. */
const CELL_SPECS: readonly FieldSpec[] = PRODUCT_FIELDS.map((field) => FIELDS[field])

/**
 * A record's cells in {@link PRODUCT_FIELDS} order (the field table's: `sku`, `name`,
 * `description`, `price`, ...); `undefined` where the file gives the field no column.
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
  const unguarded = (field: ProductField, raw: string): string | undefined => {
    let cell = raw
    if (guard !== 'keep' && (FIELDS[field] as FieldSpec).chars !== 'block') cell = raw.trim()
    if (guard === 'undo') cell = unguardFormula(cell)
    else if (guard === 'refuse' && looksGuarded(cell)) {
      fail(field, raw, missingGuardMessage(field, cell.trimEnd()))
      return undefined
    }
    return cell
  }
  const text = (field: TextField, raw: string): string | undefined => {
    const cell = unguarded(field, raw)
    if (cell === undefined) return undefined
    const parsed = parseProductText(field, cell)
    if (parsed.ok) return parsed.value
    fail(field, raw, parsed.message)
    return undefined
  }

  const values = row as Record<string, unknown>
  for (let i = 0; i < CELL_SPECS.length; i++) {
    const raw = cells[i]
    if (raw === undefined || raw === '' || raw.trim() === '') continue
    const spec = CELL_SPECS[i]!
    const field = spec.wire as ProductField
    switch (spec.kind) {
      case 'text': {
        const value = text(field as TextField, raw)
        if (value === undefined) break
        values[spec.key] = value
        if (field === 'sku') row.skuKey = skuKey(value)
        break
      }
      case 'money': {
        const money = parseShopMoney(field, raw, decimal)
        if (money.ok) values[spec.key] = money.value
        else fail(field, raw, money.message)
        break
      }
      case 'integer': {
        const integer = parseShopInteger(field, raw, decimal)
        if (integer.ok) values[spec.key] = integer.value
        else fail(field, raw, integer.message)
        break
      }
      case 'boolean': {
        const boolean = parseBoolean(field, raw)
        if (boolean.ok) values[spec.key] = boolean.value
        else fail(field, raw, boolean.message)
        break
      }
      case 'list': {
        // The safe export guards a list's cell as a whole, as a spreadsheet reads it.
        const cell = unguarded(field, raw)
        if (cell === undefined) break
        const list = parseList(field as ListField, splitList(cell))
        if (list.ok) values[spec.key] = list.value
        else fail(field, raw, list.message)
        break
      }
      default:
        return unknownKind(spec.kind)
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
