import type { ImportWriter } from '@product-importer/core'
import { createSqlStorage, type SqlStorage } from '@product-importer/core/sql'
import { openConnection, type SqliteConnection } from './_connection.js'
import { createProductCount } from './_count-products.js'
import { createExclusive } from './_exclusive.js'
import { createProductFinder } from './_find-products.js'
import { sqliteFlavor } from './_flavor.js'
import { createNameFolder } from './_fold-names.js'
import { assertSameConnection, checkedKysely } from './_host-kysely.js'
import { inThreadWriter } from './_import-writer.js'
import { createListOrder } from './_list-order.js'
import { deleteAllProducts } from './_product-names.js'
import { isSkuKeyViolation } from './_unique-violation.js'
import { canWriteOnThread, openWriterThread } from './_writer-thread.js'
import type { SqliteStorageOptions } from './types.js'

/** The storage contract over SQLite, also released by `await using`. */
export type SqliteStorage = SqlStorage

/**
 * Storage in an embedded SQLite database (better-sqlite3 through Kysely). The database opens on
 * first use. A file the adapter opens runs in WAL mode, so the API keeps reading while an import
 * writes, and is closed by `close()`; a `database` passed in is never closed, nor is a `kysely`
 * instance of the application's, which its queries then go through.
 *
 * One connection serves the API. An import writes on a thread of its own, with a second
 * connection to the same file, so the event loop stays free during its batches (about 100 ms
 * each for 10,000 rows); a database in memory or not in WAL mode, or `importThread: false`,
 * writes on the application's connection instead (better-sqlite3 is synchronous, so each batch
 * then holds the event loop for its whole transaction).
 *
 * @example
 * ```ts
 * import { importProducts } from '@product-importer/core'
 * import { sqliteStorage } from '@product-importer/storage-sqlite'
 *
 * await using storage = sqliteStorage({ filename: './data/products.db' })
 * await storage.migrate()
 * const summary = await importProducts('./catalog.csv', { storage }).result()
 * console.log(summary.created, summary.updated)
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const hostDb = checkedKysely(options)
  let connection: SqliteConnection | undefined
  let closed = false
  const open = () => {
    connection ??= openConnection(options, hostDb)
    return connection
  }
  const productCount = createProductCount(open)
  const folder = createNameFolder(open)
  const writers = new Set<ImportWriter>()
  const openWriter = async (dryRun: boolean): Promise<ImportWriter> => {
    const { database } = open()
    if (options.importThread === false || !canWriteOnThread(database)) {
      return inThreadWriter(database, dryRun)
    }
    // A connection the thread cannot have (a lock, a key, a function only the application's
    // connection knows) leaves the import on the application's.
    const writer = await openWriterThread(database, dryRun).catch(() => undefined)
    if (!writer) return inThreadWriter(database, dryRun)
    writers.add(writer)
    return {
      ...writer,
      close: () => {
        writers.delete(writer)
        return writer.close()
      },
    }
  }
  const storage = createSqlStorage({
    flavor: sqliteFlavor,
    db: () => open().db,
    isUniqueViolation: isSkuKeyViolation,
    openImportWriter: async ({ dryRun }) => {
      const writer = await openWriter(dryRun)
      return dryRun ? writer : folder.track(writer)
    },
    countProducts: productCount.count,
    deleteAllProducts,
    listOrder: createListOrder(open),
    findProducts: createProductFinder(open, productCount.countOnThreads, folder.schedule),
    exclusive: createExclusive(),
    close: async () => {
      closed = true
      folder.close()
      // A writer left open (its import never closed it) stops with the storage.
      await Promise.allSettled([...writers].map((writer) => writer.close()))
      await productCount.close()
      await connection?.close()
    },
  })
  if (!hostDb) return storage
  const migrate = storage.migrate
  let checked: Promise<void> | undefined
  storage.migrate = async () => {
    // Once, before the first migration: a Kysely instance over another database would split
    // the catalog in two unseen. A closed storage fails as the contract says, in migrate().
    if (!closed) checked ??= assertSameConnection(hostDb, open().database)
    await checked
    await migrate()
  }
  return storage
}
