import type { ProductFilter, ProductRecord } from '@product-importer/core'
import {
  applyProductFilter,
  createSqlStorage,
  type ImporterDatabase,
  type SqlFlavor,
  type SqlStorage,
  toProductRecord,
} from '@product-importer/core/sql'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { createCancelOnAbort } from './_cancel-on-abort.js'
import { createConnectionWait } from './_connection-wait.js'
import { restoreDeferredIndexes } from './_deferred-indexes.js'
import { isSkuKeyViolation, isUnavailable, storageFailed } from './_errors.js'
import { postgresFlavor } from './_flavor.js'
import { assertSameDatabase, checkedKysely } from './_host-kysely.js'
import { openPgImportWriter } from './_import-writer.js'
import { createJobListener } from './_job-listener.js'
import { createProductTotals } from './_product-totals.js'
import type { PgStorageOptions, SearchColumn } from './types.js'

/** The storage contract over PostgreSQL, also released by `await using`. */
export type PgStorage = SqlStorage

/**
 * PostgreSQL storage on Kysely and `pg`, for production and for several app instances sharing
 * one database. Given a `connectionString` it creates a pool and `close()` ends it; a `pool`
 * passed in stays open, and so does a `kysely` instance passed in with it, which the queries
 * then go through. Connections open lazily, on the first query.
 *
 * Imports COPY each batch into a session table and apply it with one UPDATE and one INSERT in
 * one transaction; name and SKU filters use pg_trgm indexes when the role may create the
 * extension. An import into an empty table builds those indexes once when it ends instead of
 * keeping them current, and `migrate()` builds any that an import which died mid-load left
 * dropped.
 * Every write of an import job is announced with NOTIFY, so `imports.watch()` on any instance
 * sees it at once.
 *
 * Queries use the pool. Each running import, each export stream, and one listener while
 * anything watches a job open a connection of their own with the pool's settings: long imports
 * and slow downloads never take the pooled connections that job updates and requests wait on.
 * Exports take at most `exportConnections` of them and wait for one (`connectionWaitMs`);
 * imports are capped by the importer's `maxConcurrentImports`. An import whose connection is
 * lost to a restart or failover connects again and applies its batch anew
 * (`reconnectWaitMs`).
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
  const hostDb = checkedKysely(options)
  let closed = false
  const ownsPool = options.pool === undefined
  const schema = checkedSchema(options)
  const pool =
    options.pool !== undefined
      ? options.pool
      : new pg.Pool({
          ...options.poolConfig,
          connectionString: options.connectionString,
          ...(schema ? { options: withSearchPath(options.poolConfig?.options, schema) } : {}),
        })
  // An idle connection that dies (server restart, network) is dropped by the pool; without a
  // listener the 'error' event would crash the process.
  if (ownsPool) pool.on('error', () => {})

  const cancelOnAbort = createCancelOnAbort(pool)
  const totals = createProductTotals(() => db)
  // The application's instance takes its connections from its pool directly, past the marks
  // that cancel an abandoned caller's queries.
  const db =
    hostDb ??
    new Kysely<ImporterDatabase>({
      dialect: new PostgresDialect({ pool: cancelOnAbort.pool }),
    })
  const flavor = postgresFlavor(options.searchIndexes ?? DEFAULT_SEARCH_INDEXES, schema)
  const jobListener = createJobListener(pool)
  const exportConnections = createConnectionWait(
    pool,
    options.exportConnections ?? DEFAULT_EXPORT_CONNECTIONS,
    options.connectionWaitMs ?? DEFAULT_CONNECTION_WAIT_MS,
  )

  const storage = createSqlStorage({
    flavor,
    db: () => db,
    capabilities: { multiInstance: true },
    isUniqueViolation: isSkuKeyViolation,
    isUnavailable,
    countProducts: totals.count,
    totalInPage: totals.totalInPage,
    ...(hostDb ? {} : { cancellable: cancelOnAbort.run }),
    openImportWriter: ({ dryRun }) =>
      openPgImportWriter(pool, {
        dryRun,
        reconnectMs: options.reconnectWaitMs ?? DEFAULT_RECONNECT_WAIT_MS,
      }),
    streamProducts: (filter, { chunkSize }) =>
      streamProducts(db, exportConnections, flavor, filter, chunkSize),
    onJobChange: jobListener.subscribe,
    async close() {
      closed = true
      await jobListener.close()
      // Kysely's destroy() ends the pool, so only call it on a pool we own.
      if (ownsPool) await db.destroy()
    },
  })
  const migrate = storage.migrate
  let checked: Promise<void> | undefined
  // An import that crashed while loading into an empty table left its trigram indexes dropped.
  storage.migrate = async () => {
    // Once: an instance on another database than its pool would split the catalog unseen. A
    // closed storage fails as the contract says, in migrate().
    if (hostDb && !closed) {
      checked ??= assertSameDatabase(hostDb, pool)
      await checked
    }
    if (schema) {
      try {
        await pool.query(`create schema if not exists "${schema}"`)
      } catch (error) {
        throw storageFailed(`creating the schema ${schema}`, error)
      }
    }
    await migrate()
    try {
      await restoreDeferredIndexes(pool)
    } catch (error) {
      throw storageFailed('building the deferred search indexes', error)
    }
  }
  return storage
}

/** The `schema` option, checked; `undefined` for the default, `public`. */
function checkedSchema(options: PgStorageOptions): string | undefined {
  const { schema } = options
  if (schema === undefined || schema === 'public') return undefined
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(`schema must be a plain identifier (letters, digits, _), got "${schema}"`)
  }
  if (options.pool !== undefined) {
    const setIt = `set the pool's search path (options: '-c search_path=${schema},public')`
    throw new TypeError(
      options.kysely !== undefined
        ? `schema "${schema}" cannot be set on a kysely instance of your own: ${setIt}`
        : `schema "${schema}" needs a connectionString: with a pool of your own, ${setIt}`,
    )
  }
  return schema
}

/** The pool's `options` with the search path in front of what they already say. */
function withSearchPath(given: string | undefined, schema: string): string {
  return `-c search_path=${schema},public${given ? ` ${given}` : ''}`
}

/**
 * One query over a server-side cursor, read `chunkSize` rows at a time, on a connection of its
 * own: an export runs as long as its slowest reader, and must not hold one of the pool's
 * connections meanwhile. Stopping the loop early closes the cursor and the connection.
 */
async function* streamProducts(
  db: Kysely<ImporterDatabase>,
  connections: ReturnType<typeof createConnectionWait>,
  flavor: SqlFlavor,
  filter: ProductFilter,
  chunkSize = 1000,
): AsyncIterable<ProductRecord[]> {
  const query = applyProductFilter(db.selectFrom('products'), filter, flavor)
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .compile()
  const { client, release } = await connections.connect()
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
    release()
  }
}

/**
 * Search indexes unless told otherwise. The sku one costs a first import its build at the end
 * (about 1 s at 500,000 products) and takes a SKU substring search with its total from a scan
 * of the whole table (155 ms p95) to its index (about 10 ms).
 */
const DEFAULT_SEARCH_INDEXES: readonly SearchColumn[] = ['name', 'sku']
/** Exports at once, each on a connection of its own, unless told otherwise. */
const DEFAULT_EXPORT_CONNECTIONS = 2
/** How long an export waits for a connection unless told otherwise. */
const DEFAULT_CONNECTION_WAIT_MS = 30_000
/** How long an import waits for a server that went away, unless told otherwise. */
const DEFAULT_RECONNECT_WAIT_MS = 30_000
