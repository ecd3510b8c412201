// Public surface of @product-importer/storage-pg.
export { type PgStorage, pgStorage } from './pg-storage.js'
export type {
  PgConnectionOptions,
  PgLimitOptions,
  PgSchemaOptions,
  PgSearchOptions,
  PgStorageOptions,
  SearchColumn,
} from './types.js'
