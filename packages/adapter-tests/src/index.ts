// Public surface of @product-importer/adapter-tests: the conformance suite of storage adapters.

export {
  endpointRecord,
  expectImporterError,
  importRow,
  jobRecord,
  newestFirst,
  outboxEvent,
  productRecord,
  type StoredProduct,
  storedProduct,
  storedProducts,
} from './_fixtures.js'
export { writeBatches } from './_import-writer.js'
export { describeStorageConformance } from './describe-storage-conformance.js'
export type { ConformanceTarget } from './types.js'
