import { categoryReader, hasAll, type Profile } from './_profile.js'

/**
 * PrestaShop's product import and export files (`Product ID;Active (0/1);Name *;...;Price tax
 * excluded;...;Reference #;...;Quantity;...`), semicolon-separated, often with decimal commas.
 * `Reference #` is the SKU and the price without tax is preferred over the one with tax; the
 * `Unit price` column is a price per unit of measure, not the price. Of `Categories (x,y,z...)`
 * the first is kept; `Weight` is in the shop's own unit and is not read.
 */
export const prestashop: Profile = {
  platform: 'prestashop',
  detect: (header) =>
    hasAll(header, 'reference') &&
    ['price tax excluded', 'price tax included', 'price tax excl', 'price tax incl'].some((name) =>
      hasAll(header, name),
    ),
  rules: () => ({
    preferred: {
      sku: ['reference'],
      name: ['name'],
      description: ['description'],
      price: ['price tax excluded', 'price tax excl', 'price tax included', 'price tax incl'],
      quantity: ['quantity'],
      active: ['active 0 1', 'active', 'status'],
    },
    used: { 'unit price': 'Not read: a price per unit of measure' },
  }),
  open() {
    const categories = categoryReader({ list: ',' })
    return {
      row(_record, cells) {
        categories.read(cells)
        return true
      },
      finish: () => categories.warnings(),
    }
  },
}
