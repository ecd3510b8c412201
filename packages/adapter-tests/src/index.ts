// Public surface of @product-importer/adapter-tests: the conformance suite of storage adapters.

export { describeStorageConformance } from './describe-storage-conformance.js'
export type { ConformanceTarget } from './types.js'
