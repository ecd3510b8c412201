import type { ImportWarning, ProductField } from './types.js'

// Header names are compared after normalize(): lower case, with spaces, dashes, underscores and
// dots folded into single spaces. Aliases cover common exports (Shopify, WooCommerce, ERPs).
const ALIASES: Record<ProductField, readonly string[]> = {
  sku: [
    'sku',
    'product sku',
    'item sku',
    'sku code',
    'sku number',
    'product code',
    'item code',
    'article number',
    'part number',
    'item number',
    'variant sku',
  ],
  name: ['name', 'title', 'product name', 'product title', 'item name', 'item title'],
  description: [
    'description',
    'desc',
    'product description',
    'item description',
    'details',
    'long description',
    'body',
    'body html',
  ],
  price: ['price', 'unit price', 'retail price', 'list price', 'regular price', 'variant price'],
  quantity: [
    'quantity',
    'qty',
    'stock',
    'inventory',
    'stock quantity',
    'stock qty',
    'quantity on hand',
    'on hand',
    'available',
    'inventory quantity',
    'variant inventory qty',
  ],
  active: ['active', 'status', 'enabled', 'is active', 'published', 'visible'],
}

const BUILT_IN = new Map<string, ProductField>(
  Object.entries(ALIASES).flatMap(([field, names]) =>
    names.map((name) => [name, field as ProductField] as const),
  ),
)

/** Folds a header cell for alias matching: `" Product_SKU "` -> `"product sku"`. */
export function normalizeHeader(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, ' ')
}

/** How the columns of a file map to product fields. */
export interface ColumnMap {
  /** The field of each column, or null for columns that are ignored. */
  fields: (ProductField | null)[]
  warnings: ImportWarning[]
  hasSku: boolean
}

/** Maps header cells to product fields, built-in aliases first, then `extra`. */
export function resolveHeader(
  cells: readonly string[],
  extra: Record<string, ProductField> = {},
): ColumnMap {
  const aliases = new Map(BUILT_IN)
  for (const [name, field] of Object.entries(extra)) aliases.set(normalizeHeader(name), field)

  const taken = new Set<ProductField>()
  const unknown: string[] = []
  const warnings: ImportWarning[] = []
  const fields = cells.map((cell) => {
    const field = aliases.get(normalizeHeader(cell)) ?? null
    if (field === null) {
      if (cell.trim() !== '') unknown.push(cell.trim())
      return null
    }
    if (taken.has(field)) {
      warnings.push({
        code: 'DUPLICATE_COLUMN',
        message: `column "${cell.trim()}" is ignored: an earlier column already gives ${field}`,
        columns: [cell.trim()],
      })
      return null
    }
    taken.add(field)
    return field
  })
  if (unknown.length > 0) {
    warnings.unshift({
      code: 'UNKNOWN_COLUMNS',
      message: `ignored ${unknown.length === 1 ? 'a column' : 'columns'} not mapped to a product field: ${unknown.join(', ')}`,
      columns: unknown,
    })
  }
  return { fields, warnings, hasSku: taken.has('sku') }
}
