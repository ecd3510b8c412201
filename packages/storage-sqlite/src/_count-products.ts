import { Worker } from 'node:worker_threads'
import type { ProductFilter } from '@product-importer/core'
import { applyProductFilter, filtersBeyond } from '@product-importer/core/sql'
import type BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import { mainFile, type SqliteConnection } from './_connection.js'
import { sqliteFlavor } from './_flavor.js'
import { countNamesQuery } from './_product-names.js'
import { workerFile } from './_worker-file.js'

/**
 * Below this many products a text filter is counted on the connection itself: the scan is
 * shorter than the hand-off to the threads.
 */
const MIN_ROWS = 20_000
const THREADS = 2

type Reply = { id: number; n: number } | { id: number; error: string }

/**
 * SQLite's product counts (the kit's `countProducts` hook). Active products alone are all minus
 * the inactive ones: two index counts, where `active = 1` reads every row (only the inactive
 * have an index).
 *
 * Counts the products matching a text filter (`q`, `name`, `description`) on two threads,
 * each with a read-only connection of its own scanning half of the table. Text filters match
 * substrings, which no index serves, so their count reads every row: split in two it takes half
 * the time on two cores, and the event loop stays free meanwhile.
 *
 * Leaves the count to `shared` (the connection's own query) where threads cannot help: a
 * database in memory or not in WAL mode (other connections could not read beside this one), an
 * open transaction (its uncommitted rows would be missed), a small table, no text filter, or
 * threads that failed once.
 */
export function createProductCount(connection: () => SqliteConnection) {
  let workers: Worker[] | undefined
  let usable: boolean | undefined
  let nextId = 0
  const pending = new Map<number, { resolve(n: number): void; reject(error: Error): void }>()

  const start = (database: BetterSqlite3.Database): Worker[] => {
    workers = Array.from({ length: THREADS }, () => {
      const worker = new Worker(workerFile('count-worker'), {
        workerData: mainFile(database),
      })
      // Idle threads never keep the process alive; a count in flight does (see ask).
      worker.unref()
      worker.on('message', (reply: Reply) => {
        const waiting = pending.get(reply.id)
        if (!waiting) return
        pending.delete(reply.id)
        if (pending.size === 0) for (const w of workers ?? []) w.unref()
        if ('error' in reply) waiting.reject(new Error(reply.error))
        else waiting.resolve(reply.n)
      })
      worker.on('error', (error) => stop(error))
      return worker
    })
    return workers
  }

  /** Stops the threads; counts in flight fail, and later ones use the connection. */
  const stop = (error?: Error) => {
    usable = false
    const running = workers
    workers = undefined
    for (const { reject } of pending.values()) {
      reject(error ?? new Error('the counting threads stopped'))
    }
    pending.clear()
    return Promise.all((running ?? []).map((worker) => worker.terminate()))
  }

  const ask = (worker: Worker, query: { sql: string; parameters: readonly unknown[] }) =>
    new Promise<number>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ id, sql: query.sql, parameters: query.parameters })
    })

  // Prepared on first use, once: the connection is the storage's one for its whole life.
  let active: BetterSqlite3.Statement | undefined
  let lastRowid: BetterSqlite3.Statement | undefined

  const eligible = (database: BetterSqlite3.Database) => {
    usable ??= !database.memory && database.pragma('journal_mode', { simple: true }) === 'wal'
    return usable && !database.inTransaction
  }

  /**
   * The count of a text filter on the threads, each reading a slice of rowids: of
   * `product_names` for a name alone, of `products` otherwise. `undefined` where the threads
   * cannot help (see {@link createProductCount}).
   */
  const countOnThreads = async (filter: ProductFilter): Promise<number | undefined> => {
    const { database, db } = connection()
    if (!eligible(database)) return undefined
    lastRowid ??= database.prepare('SELECT max(rowid) FROM products').pluck()
    const last = Number(lastRowid.get() ?? 0)
    if (last < MIN_ROWS) return undefined
    const threads = workers ?? start(database)
    const slice = Math.ceil(last / threads.length)
    const name = filterAlone(filter, 'name')
    try {
      const counts = await Promise.all(
        threads.map((worker, i) => {
          // The last slice is open-ended: rows written since max(rowid) was read count too.
          const upTo = i < threads.length - 1 ? (i + 1) * slice : undefined
          if (name !== undefined) return ask(worker, countNamesQuery(db, name, i * slice, upTo))
          let query = applyProductFilter(db.selectFrom('products'), filter, sqliteFlavor)
            .select((eb) => eb.fn.countAll().as('n'))
            .where(sql`rowid`, '>', i * slice)
          if (upTo !== undefined) query = query.where(sql`rowid`, '<=', upTo)
          return ask(worker, query.compile())
        }),
      )
      return counts.reduce((sum, n) => sum + n, 0)
    } catch {
      // A thread that cannot read the file (or died) leaves the count to the connection.
      await stop()
      return undefined
    }
  }

  return {
    async count(filter: ProductFilter, shared: () => Promise<number>): Promise<number> {
      const { database } = connection()
      if (filter.active === true && !filtersBeyond(filter, ['active'])) {
        const all = 'SELECT count(*) FROM products'
        active ??= database.prepare(`SELECT (${all}) - (${all} WHERE active = 0)`).pluck()
        return Number(active.get())
      }
      // A SKU alone is counted over the narrow sku_key index, faster than half the table.
      if (!(filter.q?.trim() || filter.name || filter.description)) return shared()
      return (await countOnThreads(filter)) ?? shared()
    },
    countOnThreads,
    close: () => stop(),
  }
}

/**
 * The text of a filter on `field` and nothing else, which one narrow structure answers alone
 * (`product_names` for a name, the `sku_key` index for a SKU).
 */
export function filterAlone(filter: ProductFilter, field: 'name' | 'sku'): string | undefined {
  const text = filter[field]
  if (!text || filtersBeyond(filter, [field])) {
    return undefined
  }
  return text
}
