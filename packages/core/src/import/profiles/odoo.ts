import { categoryReader, hasAll, type Profile } from './_profile.js'

/**
 * Odoo's product export, with field labels (`Internal Reference`, `Name`, `Sales Price`,
 * `Quantity On Hand`) or technical names (`default_code`, `list_price`, `qty_available`). The
 * sales price is the price; the cost is not. `Product Category` is a path written
 * `All / Saleable`, read apart at ` / `.
 */
export const odoo: Profile = {
  platform: 'odoo',
  detect: (header) =>
    (hasAll(header, 'internal reference') && hasAll(header, 'sales price')) ||
    (hasAll(header, 'default code') && hasAll(header, 'list price')),
  rules: () => ({
    preferred: {
      sku: ['internal reference', 'default code'],
      name: ['name'],
      description: ['sales description', 'description sale', 'description'],
      price: ['sales price', 'list price'],
      quantity: ['quantity on hand', 'qty available'],
      active: ['active'],
      category: ['product category', 'categ id'],
    },
  }),
  open() {
    const categories = categoryReader({ levels: ' / ' })
    return {
      row(_record, cells) {
        categories.read(cells)
        return true
      },
      finish: () => [],
    }
  },
}
