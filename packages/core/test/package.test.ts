import * as core from '@product-importer/core'
import { describe, expect, it } from 'vitest'

describe('@product-importer/core package', () => {
  it('exports exactly its public surface', () => {
    expect(Object.keys(core).sort()).toEqual([
      'DEFAULT_BATCH_SIZE',
      'DEFAULT_PAGE_SIZE',
      'EXPORT_COLUMNS',
      'HEADER_ALIASES',
      'ImporterError',
      'MAX_DESCRIPTION_LENGTH',
      'MAX_NAME_LENGTH',
      'MAX_PAGE_SIZE',
      'MAX_PRICE_CENTS',
      'MAX_QUANTITY',
      'MAX_SKU_LENGTH',
      'NEW_PRODUCT_DEFAULTS',
      'PLATFORMS',
      'ROW_REJECTIONS',
      'createProductImporter',
      'createUuidV7',
      'formatPrice',
      'headerSignature',
      'importProducts',
      'inspectProducts',
      'isImporterError',
      'parseActive',
      'parsePrice',
      'parseQuantity',
      'productInputSchema',
      'productPatchSchema',
      'productSchema',
      'skuKey',
    ])
  })
})
