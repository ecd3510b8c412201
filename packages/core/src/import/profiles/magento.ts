import { CELL, categoryReader, cellAt, columnNamed, hasAll, type Profile } from './_profile.js'

/**
 * Magento 2's product export (`sku, store_view_code, attribute_set_code, product_type, ...,
 * name, description, ..., product_online, ..., price, ..., qty`). A product's default row has an
 * empty `store_view_code`; rows with one are its store-specific texts, which must not overwrite
 * it, so only default rows are imported and one warning counts the rest. `product_online` is
 * `1` (enabled) or `2` (disabled). Numbers come with four decimals (`10.0000`). `categories`
 * lists paths (`Default Category/Gear,Default Category/Gear/Bags`): the first is kept, its
 * levels read apart at `/`. `weight` is in the store's own unit and is not read.
 */
export const magento: Profile = {
  platform: 'magento',
  detect: (header) =>
    hasAll(header, 'sku', 'store view code') &&
    (hasAll(header, 'attribute set code') || hasAll(header, 'product type')),
  rules: () => ({
    preferred: {
      sku: ['sku'],
      name: ['name'],
      description: ['description'],
      price: ['price'],
      quantity: ['qty'],
      active: ['product online'],
      category: ['categories'],
    },
    used: { 'store view code': 'Rows skipped: store-specific texts' },
  }),
  open(header) {
    const storeViewAt = columnNamed(header, 'store view code')
    let storeViews = 0
    const categories = categoryReader({ list: ',', levels: '/' })
    return {
      row(record, cells) {
        if (cellAt(record, storeViewAt) !== '') {
          storeViews++
          return false
        }
        const online = (cells[CELL.active] ?? '').trim()
        if (online === '2') cells[CELL.active] = 'false'
        categories.read(cells)
        return true
      },
      finish() {
        if (storeViews === 0) return categories.warnings()
        return [
          ...categories.warnings(),
          {
            code: 'ROWS_SKIPPED',
            message: `skipped ${storeViews} store-view ${storeViews === 1 ? 'row' : 'rows'} (store_view_code set): they hold store-specific texts of a product whose default row is imported`,
          },
        ]
      },
    }
  },
}
