import {
  CELL,
  categoryReader,
  cellAt,
  columnNamed,
  fieldCell,
  hasAll,
  type Profile,
  toGrams,
} from './_profile.js'

/**
 * WooCommerce's product CSV (`ID, Type, SKU, Name, Published, ..., Stock, ..., Regular price`).
 * Variations are rows of their own with their own SKU. `Regular price` is the price (the sale
 * price is a temporary one), `Description` wins over `Short description`, and `Published` is
 * `1`, `0` or `-1` (a draft), only `1` making a product active. `Parent` (the parent's SKU) is
 * the group of a variation, `Weight (kg)` is read in grams, and of `Categories`
 * (`Clothing > Hoodies, Sale`) the first is kept.
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
      category: ['categories'],
      group: ['parent'],
    },
    used: { 'weight kg': 'Weight (g), from kilograms' },
  }),
  open(header) {
    const weightAt = columnNamed(header, 'weight kg')
    const categories = categoryReader({ list: ',' })
    return {
      row(record, cells) {
        if (fieldCell(cells, 'active') === '-1') cells[CELL.active] = 'false'
        const kilograms = cellAt(record, weightAt)
        if (kilograms !== '' && fieldCell(cells, 'weight_grams') === '') {
          cells[CELL.weight_grams] = toGrams(kilograms, 1000)
        }
        categories.read(cells)
        return true
      },
      finish: () => categories.warnings(),
    }
  },
}
