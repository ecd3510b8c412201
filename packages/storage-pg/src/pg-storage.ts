import type { ImporterStorage, ProductFilter, ProductRecord } from '@product-importer/core'
import {
  applyProductFilter,
  createJobQueries,
  createProductQueries,
  type ImporterDatabase,
  migrateToLatest,
  postgresFlavor,
  toProductRecord,
} from '@product-importer/core/sql'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { connectBeside } from './_connect-beside.js'
import { isSkuKeyViolation, storageFailed } from './_errors.js'
import { openPgImportWriter } from './_import-writer.js'
import { createJobListener } from './_job-listener.js'
import { ensurePostgresObjects } from './_postgres-objects.js'
import type { PgStorageOptions } from './types.js'

/** The PostgreSQL storage: {@link ImporterStorage} plus `Symbol.asyncDispose`. */
export type PgStorage = ImporterStorage & AsyncDisposable

/**
 * PostgreSQL storage on Kysely and `pg`, for production and for several app instances sharing
 * one database. Given a `connectionString` it creates a pool and `close()` ends it; a `pool`
 * passed in stays open. Connections open lazily, on the first query.
 *
 * Imports COPY each batch into a session table and apply it with one UPDATE and one INSERT in
 * one transaction; name filters use a pg_trgm index when the role may create the extension.
 * Every write of an import job is announced with NOTIFY, so `imports.watch()` on any instance
 * sees it at once.
 *
 * Queries use the pool. Each running import, each export stream, and one listener while
 * anything watches a job open a connection of their own with the pool's settings: long imports
 * and slow downloads never take the pooled connections that job updates and requests wait on.
 *
 * @example
 * ```ts
 * import { importProducts } from '@product-importer/core'
 * import { pgStorage } from '@product-importer/storage-pg'
 *
 * await using storage = pgStorage({ connectionString: process.env.DATABASE_URL! })
 * await storage.migrate()
 * for await (const event of importProducts('products.csv', { storage })) {
 *   if (event.type === 'done') console.log(event.summary)
 * }
 * ```
 */
export function pgStorage(options: PgStorageOptions): PgStorage {
  const ownsPool = !('pool' in options)
  const pool =
    'pool' in options
      ? options.pool
      : new pg.Pool({ ...options.poolConfig, connectionString: options.connectionString })
  // An idle connection that dies (server restart, network) is dropped by the pool; without a
  // listener the 'error' event would crash the process.
  if (ownsPool) pool.on('error', () => {})

  const db = new Kysely<ImporterDatabase>({
    dialect: new PostgresDialect({ pool }),
  })
  const products = createProductQueries(db, postgresFlavor)
  const jobs = createJobQueries(db, postgresFlavor)
  const jobListener = createJobListener(pool)
  let closed = false

  async function close(): Promise<void> {
    if (closed) return
    closed = true
    await jobListener.close()
    // Kysely's destroy() ends the pool, so only call it on a pool we own.
    if (ownsPool) await db.destroy()
  }

  return {
    dialect: 'postgres',
    capabilities: { multiInstance: true },

    async migrate() {
      await migrateToLatest(db as Kysely<unknown>, postgresFlavor)
      try {
        await ensurePostgresObjects(db as Kysely<unknown>, options.searchIndexes ?? ['name'])
      } catch (error) {
        throw storageFailed('creating the job trigger and search indexes', error)
      }
    },
    close,
    [Symbol.asyncDispose]: close,

    getProduct: products.get,
    getProductBySkuKey: products.getBySkuKey,
    listProducts: products.list,
    countProducts: products.count,
    streamProducts: (filter, options) => streamProducts(db, pool, filter, options?.chunkSize),
    insertProduct: (record) => products.insert(record, isSkuKeyViolation),
    updateProduct: (id, values) => products.update(id, values, isSkuKeyViolation),
    deleteProducts: products.deleteMany,
    deleteAllProducts: products.deleteAll,

    openImportWriter: ({ dryRun }) => openPgImportWriter(pool, dryRun),

    createJob: jobs.create,
    updateJob: jobs.update,
    claimJob: jobs.claim,
    getJob: jobs.get,
    listJobs: jobs.list,
    onJobChange: jobListener.subscribe,
    addRowErrors: jobs.addRowErrors,
    listRowErrors: jobs.listRowErrors,
  }
}

/**
 * One query over a server-side cursor, read `chunkSize` rows at a time, on a connection of its
 * own: an export runs as long as its slowest reader, and must not hold one of the pool's
 * connections meanwhile. Stopping the loop early closes the cursor and the connection.
 */
async function* streamProducts(
  db: Kysely<ImporterDatabase>,
  pool: pg.Pool,
  filter: ProductFilter = {},
  chunkSize = 1000,
): AsyncIterable<ProductRecord[]> {
  const query = applyProductFilter(db.selectFrom('products'), filter, postgresFlavor)
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .compile()
  // A connection lost between reads fails the next read; the event itself is not needed.
  const client = await connectBeside(pool, () => {})
  try {
    const cursor = client.query(new Cursor(query.sql, [...query.parameters]))
    for (;;) {
      const rows = await cursor.read(chunkSize)
      if (rows.length === 0) return
      yield rows.map((row) => toProductRecord(row))
    }
  } finally {
    // Ends the connection and with it the cursor, also one stopped early or cut off: closing a
    // cursor first would wait forever for a server that is gone.
    await client.end().catch(() => {})
  }
}
