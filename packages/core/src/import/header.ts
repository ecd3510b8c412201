import { ImporterError } from '../errors.js'
import { FIELD_NAMES } from '../product/fields.js'
import { HEADER_ALIASES } from './aliases.js'
import type { ColumnMapping, ImportWarning, ProductField } from './types.js'

/** The product fields a file's columns map to, in the order import rows are built in. */
export const PRODUCT_FIELDS: readonly ProductField[] = FIELD_NAMES

const BUILT_IN = new Map<string, ProductField>(
  Object.entries(HEADER_ALIASES).flatMap(([field, names]) =>
    names.map((name) => [name, field as ProductField] as const),
  ),
)

/**
 * Folds a header cell for matching: lower case, with every run of spaces and punctuation
 * (`_ - . ( ) # * /` and the like) folded into one space, so `" Product_SKU "` is
 * `"product sku"`, `"Body (HTML)"` is `"body html"` and `"Reference #"` is `"reference"`.
 */
export function normalizeHeader(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** How the columns of a file map to product fields. */
export interface ColumnMap {
  /** The field of each column, or null for columns that are ignored. */
  fields: (ProductField | null)[]
  /** How the platform reads each column no field takes, when it does (see `HeaderRules.used`). */
  readAs: (string | null)[]
  /** The column of each field, -1 when the file has none. */
  columnOf: Record<ProductField, number>
  warnings: ImportWarning[]
}

/** What decides the column of each field, strongest first. */
export interface HeaderRules {
  /** Explicit mapping from the caller: field to header name. */
  columns?: ColumnMapping
  /** Columns a platform profile chose (field to column index), e.g. Akeneo's `price-EUR`. */
  chosen?: Partial<Record<ProductField, number>>
  /** Extra header names from the caller, e.g. `{ Artikelnummer: 'sku' }`. */
  aliases?: Record<string, ProductField>
  /** Header names a platform gives its fields, tried before the shared aliases. */
  preferred?: Partial<Record<ProductField, readonly string[]>>
  /**
   * Columns a profile reads itself, by normalized header name, with what it reads them as
   * (Shopify's `published`: "Active, with Status"): not "ignored", and said so where the
   * mapping is shown.
   */
  used?: Readonly<Record<string, string>>
}

/**
 * Maps header cells to product fields: the explicit `columns` mapping first, then a profile's
 * choices and preferred names, then the caller's and the built-in aliases. A header name in
 * `columns` that the file lacks throws MAPPING_INVALID listing the file's headers.
 */
export function resolveHeader(cells: readonly string[], rules: HeaderRules = {}): ColumnMap {
  const normalized = cells.map(normalizeHeader)
  const fields: (ProductField | null)[] = cells.map(() => null)
  const columnOf = Object.fromEntries(PRODUCT_FIELDS.map((f) => [f, -1])) as Record<
    ProductField,
    number
  >
  // Fields the mapping turns off: no rule or alias gives them a column.
  const off = new Set<string>()
  const assign = (field: ProductField, column: number) => {
    if (off.has(field) || columnOf[field] !== -1 || column < 0 || fields[column] !== null) return
    fields[column] = field
    columnOf[field] = column
  }

  for (const [field, header] of Object.entries(rules.columns ?? {})) {
    if (header === undefined) continue
    if (header === null) {
      off.add(field)
      continue
    }
    const name = normalizeHeader(header)
    const column = name === '' ? -1 : normalized.indexOf(name)
    if (column === -1) throw unknownMappedColumn(field, header, cells)
    if (fields[column] !== null) {
      throw new ImporterError(
        'MAPPING_INVALID',
        `the mapping gives column "${header}" to both ${fields[column]} and ${field}`,
        { details: { headers: cells.map((c) => c.trim()) } },
      )
    }
    assign(field as ProductField, column)
  }
  for (const [field, column] of Object.entries(rules.chosen ?? {})) {
    assign(field as ProductField, column ?? -1)
  }
  for (const [field, names] of Object.entries(rules.preferred ?? {})) {
    for (const name of names ?? []) assign(field as ProductField, normalized.indexOf(name))
  }

  const aliases = new Map(BUILT_IN)
  for (const [name, field] of Object.entries(rules.aliases ?? {})) {
    aliases.set(normalizeHeader(name), field)
  }
  const used = new Map(Object.entries(rules.used ?? {}))
  const unknown: string[] = []
  const warnings: ImportWarning[] = []
  // The field each remaining column would give, by alias or by its name without a unit.
  const candidates = cells.map((cell, column): ProductField | undefined => {
    if (fields[column] !== null || used.has(normalized[column]!)) return undefined
    const field = aliases.get(normalized[column]!) ?? aliases.get(withoutUnit(cell))
    if (field === undefined || off.has(field)) {
      if (cell.trim() !== '') unknown.push(cell.trim())
      return undefined
    }
    return field
  })
  // A column named exactly as its field beats any alias, wherever it stands: `SKU` is the SKU
  // of a file with `Reference,SKU`; among the others the first column wins.
  const exact = (column: number) => withoutUnit(cells[column]!) === candidates[column]
  const order = cells.map((_, column) => column)
  order.sort((a, b) => Number(exact(b)) - Number(exact(a)) || a - b)
  for (const column of order) {
    const field = candidates[column]
    if (field !== undefined) assign(field, column)
  }
  for (const field of PRODUCT_FIELDS) {
    const losers = candidates.flatMap((f, column) =>
      f === field && columnOf[field] !== column ? [column] : [],
    )
    if (losers.length > 0) warnings.push(duplicateWarning(field, columnOf[field], losers, cells))
  }
  const data = dataInHeader(cells, fields, rules)
  if (data) warnings.unshift(data)
  if (unknown.length > 0) {
    warnings.unshift({
      code: 'UNKNOWN_COLUMNS',
      message: `ignored ${unknown.length === 1 ? 'a column' : 'columns'} not mapped to a product field: ${unknown.join(', ')}`,
      columns: unknown,
    })
  }
  const readAs = normalized.map((name, column) =>
    fields[column] === null ? (used.get(name) ?? null) : null,
  )
  return { fields, readAs, columnOf, warnings }
}

// A number is a value, never a column name: `12.50` or `3` in the header row is a product's.
const NUMBER = /^[-+]?\d+(?:[.,]\d+)*$/

/**
 * A file without a header row reads its first product as the header, and loses it. Its header
 * then has numbers where column names would be, or no cell any field is known by (and no
 * mapping naming its cells): say so, since the import cannot tell otherwise.
 */
function dataInHeader(
  cells: readonly string[],
  fields: readonly (ProductField | null)[],
  rules: HeaderRules,
): ImportWarning | undefined {
  const named = cells.map((cell) => cell.trim()).filter((cell) => cell !== '')
  if (named.length === 0) return undefined
  const numbers = named.filter((cell) => NUMBER.test(cell))
  const nothingKnown =
    rules.columns === undefined &&
    Object.keys(rules.used ?? {}).length === 0 &&
    fields.every((field) => field === null)
  if (numbers.length === 0 && !nothingKnown) return undefined
  const why =
    numbers.length > 0
      ? `${numbers.map((cell) => `"${cell}"`).join(', ')} ${numbers.length === 1 ? 'is a number' : 'are numbers'}`
      : 'no cell is a known column name'
  return {
    code: 'HEADER_LOOKS_LIKE_DATA',
    message: `the first row looks like data, not a header (${why}); if it is a product, add a header row (such as sku,name,price) above it`,
  }
}

/** A header cell normalized without a trailing unit: `Price (EUR)` and `Price [EUR]` are `price`. */
function withoutUnit(cell: string): string {
  return normalizeHeader(cell.replace(/\s*(\([^()]*\)|\[[^[\]]*\])\s*$/, ''))
}

/** Says which of several columns for one field is read, and which are ignored. */
function duplicateWarning(
  field: ProductField,
  read: number,
  ignored: number[],
  cells: readonly string[],
): ImportWarning {
  const name = (column: number) => `"${cells[column]!.trim()}" (column ${column + 1})`
  const others = ignored.map(name).join(', ')
  return {
    code: 'DUPLICATE_COLUMN',
    message: `${field} is read from ${name(read)}; ${ignored.length === 1 ? 'column' : 'columns'} ${others} ${ignored.length === 1 ? 'is' : 'are'} ignored`,
    columns: [read, ...ignored].map((column) => cells[column]!.trim()),
  }
}

function unknownMappedColumn(field: string, header: string, cells: readonly string[]) {
  const headers = cells.map((c) => c.trim())
  return new ImporterError(
    'MAPPING_INVALID',
    `the mapping gives ${field} the column "${header}", which the file does not have; its headers are: ${headers.join(', ')}`,
    { details: { field, column: header, headers } },
  )
}
