import type { ProductField } from './types.js'

/**
 * The header names each product field is recognised by, in any file, written as
 * header normalization folds them: lower case, punctuation and spaces folded into single
 * spaces (`Body (HTML)` is `body html`, `Reference #` is `reference`). The one table of
 * aliases: the README's CSV format section is checked against it.
 */
export const HEADER_ALIASES: Readonly<Record<ProductField, readonly string[]>> = {
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
    'internal reference',
    'default code',
    'reference',
    'ref',
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
  price: [
    'price',
    'unit price',
    'retail price',
    'list price',
    'regular price',
    'variant price',
    'sales price',
    'price tax excluded',
    'price tax included',
    'price tax excl',
    'price tax incl',
    'price final',
  ],
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
    'qty available',
  ],
  active: ['active', 'status', 'enabled', 'is active', 'published', 'visible', 'active 0 1'],
}
