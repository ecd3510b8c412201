// Public surface of @product-importer/core, one group per concern. Internal helpers (header
// normalization, page-size clamping) are imported by path inside the package, never from here.

// Product model: schemas, SKU identity, value parsing and its limits

export {
  type Product,
  type ProductInput,
  type ProductPatch,
  productInputSchema,
  productPatchSchema,
  productSchema,
} from './product/schema.js'
export { skuKey } from './product/sku-key.js'
export {
  formatPrice,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PRICE_CENTS,
  MAX_QUANTITY,
  MAX_SKU_LENGTH,
  parseActive,
  parsePrice,
  parseQuantity,
} from './product/values.js'

// Import engine: stream a CSV into a storage

export { DEFAULT_BATCH_SIZE, importProducts } from './import/import-products.js'
export type {
  ImportEncoding,
  ImportEvent,
  ImportOptions,
  ImportProgress,
  ImportRun,
  ImportSource,
  ImportStatus,
  ImportSummary,
  ImportWarning,
  ProductField,
} from './import/types.js'

// Facade: products, import jobs and export over one storage

export { createProductImporter } from './importer/create-product-importer.js'
export { EXPORT_COLUMNS } from './importer/export-csv.js'
export type {
  ExportCsvOptions,
  ImportJob,
  ImportsApi,
  ProductImporter,
  ProductImporterOptions,
  ProductPage,
  ProductsApi,
  StartImportOptions,
} from './importer/types.js'

// Errors

export {
  ImporterError,
  type ImporterErrorCode,
  type ImporterErrorOptions,
  isImporterError,
} from './errors.js'

// Storage contract: what an adapter implements, its paging limits, and the id generator its
// import writer uses

export { createUuidV7 } from './product/uuid-v7.js'
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './storage/paging.js'
export type {
  BatchResult,
  ImportCounts,
  ImporterStorage,
  ImportJobPatch,
  ImportJobRecord,
  ImportJobStatus,
  ImportPhase,
  ImportRow,
  ImportWriter,
  ImportWriterOptions,
  ProductFilter,
  ProductQuery,
  ProductRecord,
  ProductRecordPage,
  ProductValues,
  RowError,
  StorageCapabilities,
} from './storage/types.js'
