// Public surface of @product-importer/storage-sqlite.

export { type SqliteStorage, sqliteStorage } from './sqlite-storage.js'
export type { SqliteCommonOptions, SqliteStorageOptions } from './types.js'
