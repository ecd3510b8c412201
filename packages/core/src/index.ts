// Public surface of @product-importer/core.

// Errors
export {
  ImporterError,
  type ImporterErrorCode,
  type ImporterErrorOptions,
  isImporterError,
} from './errors.js'
export { normalizeHeader } from './import/header.js'
// Import engine
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
// Facade
export { createProductImporter } from './importer/create-product-importer.js'
export { EXPORT_COLUMNS } from './importer/export-csv.js'
export type {
  ExportCsvOptions,
  ImportJob,
  ImportsApi,
  ProductImporter,
  ProductImporterOptions,
  ProductPage,
  ProductSelection,
  ProductsApi,
  StartImportOptions,
} from './importer/types.js'
// Product model
export {
  type Product,
  type ProductInput,
  type ProductPatch,
  productInputSchema,
  productPatchSchema,
  productSchema,
} from './product/schema.js'
export { skuKey } from './product/sku-key.js'
export { createUuidV7 } from './product/uuid-v7.js'
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
// Storage contract
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSizeOf } from './storage/paging.js'
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
  ProductSort,
  ProductValues,
  RowError,
  StorageCapabilities,
} from './storage/types.js'
