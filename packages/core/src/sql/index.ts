/**
 * SQL shared by the Kysely storage adapters: schema, migrations and the queries that are the same
 * on every database. Only true dialect differences live in the adapters.
 *
 * @module
 */
export { postgresFlavor, type SqlFlavor, sqliteFlavor } from './flavor.js'
export { createJobQueries } from './jobs.js'
export { migrateToLatest } from './migrations.js'
export { applyProductFilter, createProductQueries } from './products.js'
export { fromProductRecord, toJobRecord, toProductRecord, toRowError } from './rows.js'
export type {
  ImporterDatabase,
  ImportJobsTable,
  ImportRowErrorsTable,
  ProductsTable,
} from './schema.js'
