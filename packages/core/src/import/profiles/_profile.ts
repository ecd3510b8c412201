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
