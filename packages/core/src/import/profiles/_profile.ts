import { FIELD_NAMES, type ProductField } from '../../product/fields.js'
import type { ColumnMap, HeaderRules } from '../header.js'
import type { FieldCells } from '../row.js'
import type { ImportWarning } from '../types.js'

/** The shop platforms whose exports are recognised from their header, or `generic`. */
export type Platform =
  | 'shopify'
  | 'woocommerce'
  | 'magento'
  | 'prestashop'
  | 'odoo'
  | 'akeneo'
  | 'generic'

/** Choices for exports that hold several values of a field (Akeneo's prices and locales). */
export interface ProfileOptions {
  /** The currency whose price column is imported, e.g. `EUR` for `price-EUR`. */
  currency?: string
  /** The locale whose name and description are imported, e.g. `en_US`. */
  locale?: string
}

/** A header row as profiles see it. */
export interface ProfileHeader {
  raw: readonly string[]
  /** Each cell through `normalizeHeader`. */
  normalized: readonly string[]
}

/** Per-file row rules of a profile. */
export interface RowHook {
  /**
   * Adjusts a record's field cells in place (inherited or derived values); returns false for a
   * record that is not a product (a Shopify image row, a Magento store-view row).
   */
  row(record: readonly string[], cells: FieldCells): boolean
  /** Warnings about the whole file, once it has been read. */
  finish(): ImportWarning[]
}

/** How one platform's exports are recognised and read. */
export interface Profile {
  platform: Platform
  /** True when a header row is this platform's. */
  detect(header: ProfileHeader): boolean
  /** Column choices of the platform, applied under the caller's explicit mapping. */
  rules(header: ProfileHeader, options: ProfileOptions): HeaderRules
  /** True when rows may lack a SKU column: the profile derives one. */
  derivesSku?: boolean
  /** Row rules for one file. */
  open?(header: ProfileHeader, columns: ColumnMap): RowHook
}

/** Index of the first of `names` in a normalized header row, or -1. */
export function columnNamed(header: ProfileHeader, ...names: string[]): number {
  for (const name of names) {
    const at = header.normalized.indexOf(name)
    if (at !== -1) return at
  }
  return -1
}

/** True when the header has every one of `names`. */
export function hasAll(header: ProfileHeader, ...names: string[]): boolean {
  return names.every((name) => header.normalized.includes(name))
}

/** A cell, trimmed, or '' when the column is absent. */
export function cellAt(record: readonly string[], column: number): string {
  return column === -1 ? '' : (record[column] ?? '').trim()
}

/** Positions of the fields in {@link FieldCells}. */
export const CELL = Object.fromEntries(FIELD_NAMES.map((field, at) => [field, at])) as Readonly<
  Record<ProductField, number>
>

/** A field's cell as a row hook sees it, trimmed ('' when the file has no such column). */
export function fieldCell(cells: FieldCells, field: ProductField): string {
  return (cells[CELL[field]] ?? '').trim()
}

/** How a platform writes categories in one cell. */
export interface CategoryFormat {
  /** What separates several categories of one product (`,` in WooCommerce and Magento). */
  list?: string
  /** What separates the levels of one category path (`/` in Magento, `>` is the stored one). */
  levels?: string
}

/**
 * Reads the category cell of each row into the stored path (levels joined with ` > `): a
 * product has one category path, so of a cell listing several the first is kept, and the rows
 * where that happened are counted in one `CATEGORIES_FIRST_KEPT` warning.
 */
export function categoryReader(format: CategoryFormat) {
  let several = 0
  return {
    read(cells: FieldCells): void {
      const cell = fieldCell(cells, 'category')
      if (cell === '') return
      let path = cell
      if (format.list !== undefined) {
        const categories = cell.split(format.list).filter((part) => part.trim() !== '')
        if (categories.length > 1) several++
        path = categories[0] ?? ''
      }
      if (format.levels !== undefined) path = path.split(format.levels).join('>')
      cells[CELL.category] = path
    },
    warnings(): ImportWarning[] {
      if (several === 0) return []
      return [
        {
          code: 'CATEGORIES_FIRST_KEPT',
          message: `${several} ${several === 1 ? 'row lists' : 'rows list'} several categories: the first of each is kept (a product has one category path)`,
        },
      ]
    },
  }
}

/** Grams in a number written in another unit (`0.2` kg is 200), as text; the text itself when it is not a number. */
export function toGrams(text: string, gramsPerUnit: number): string {
  const number = Number(text)
  if (text === '' || !Number.isFinite(number)) return text
  return String(Math.round(number * gramsPerUnit))
}
