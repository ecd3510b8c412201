/**
 * The storage kit of the Kysely adapters: {@link createSqlStorage} turns a Kysely instance, a
 * {@link SqlFlavor} and an adapter's fast paths into the whole storage contract. Schema,
 * migrations and the queries that are the same on every database live here once.
 *
 * @module
 */

export {
  DELIVERY_ID_PREFIX,
  EVENT_ID_PREFIX,
  newDeliveryId,
  newEventId,
} from '../webhooks/outbox-ids.js'
export {
  createSqlStorage,
  type SqlStorage,
  type SqlStorageDefinition,
} from './create-sql-storage.js'
export type { SqlFlavor } from './flavor.js'
export { type HostKyselyDialect, toHostKysely } from './host-kysely.js'
export {
  PER_ROW_ENDPOINTS_SQL,
  type PerRowReceivers,
  type ReceivingEndpointRow,
  receivesEvent,
  toPerRowReceivers,
} from './per-row-receivers.js'
export {
  applyProductFilter,
  contains,
  type FoundProducts,
  filtersBeyond,
  hasCatalogFilter,
  hasTextFilter,
  type ListOrder,
} from './products.js'
export { toProductRecord } from './rows.js'
export type {
  ColumnMappingsTable,
  ImporterDatabase,
  ImportJobsTable,
  ImportRowErrorsTable,
  ProductsTable,
} from './schema.js'
export { storageFailed } from './storage-failed.js'
