import { CELL, hasAll, type Profile } from './_profile.js'

/**
 * WooCommerce's product CSV (`ID, Type, SKU, Name, Published, ..., Stock, ..., Regular price`).
 * Variations are rows of their own with their own SKU. `Regular price` is the price (the sale
 * price is a temporary one), `Description` wins over `Short description`, and `Published` is
 * `1`, `0` or `-1` (a draft), only `1` making a product active.
 */
export const woocommerce: Profile = {
  platform: 'woocommerce',
  detect: (header) =>
    hasAll(header, 'sku', 'type', 'published') &&
    (hasAll(header, 'regular price') || hasAll(header, 'is featured')),
  rules: () => ({
    preferred: {
      sku: ['sku'],
      name: ['name'],
      description: ['description'],
      price: ['regular price'],
      quantity: ['stock'],
      active: ['published'],
    },
  }),
  open: () => ({
    row(_record, cells) {
      if ((cells[CELL.active] ?? '').trim() === '-1') cells[CELL.active] = 'false'
      return true
    },
    finish: () => [],
  }),
}
