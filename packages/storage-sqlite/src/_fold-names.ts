import type { ImportWriter } from '@product-importer/core'
import type BetterSqlite3 from 'better-sqlite3'
import type { SqliteConnection } from './_connection.js'
import { FOLD_TAIL } from './_product-names.js'

/**
 * Products folded per transaction: 10 to 20 ms of the event loop (500,000 products fold in
 * 0.3 to 0.4 s in all).
 */
const CHUNK = 10_000
/** Wait before trying again when another connection holds the write lock, or a write is on. */
const RETRY_MS = 500

/**
 * Folds the tail of `products` into `product_names` (see _product-names.ts) a chunk at a time,
 * each in a transaction of its own, yielding to other work between chunks. Nothing waits for
 * it: searches read the tail from `products` until it is folded.
 *
 * It starts when an import writer closes, and never runs while one is open (its batches come
 * first), inside a transaction of the connection, or while another connection writes: the
 * write lock is tried without waiting, where the connection's busy timeout would block the
 * event loop. Any other failure (a read-only database) leaves the tail to the next start.
 */
export function createNameFolder(connection: () => SqliteConnection) {
  let writers = 0
  let timer: NodeJS.Timeout | undefined
  let fold: BetterSqlite3.Statement | undefined
  let stopped = false

  const later = (ms: number) => {
    if (stopped || timer) return
    timer = setTimeout(step, ms)
    // A fold left undone is taken up again the next time: it never keeps a process alive.
    timer.unref()
  }

  const step = () => {
    timer = undefined
    const { database } = connection()
    if (!database.open) return
    if (writers > 0 || database.inTransaction) return later(RETRY_MS)
    const timeout = database.pragma('busy_timeout', { simple: true }) as number
    database.pragma('busy_timeout = 0')
    try {
      fold ??= database.prepare(FOLD_TAIL)
      if (fold.run(CHUNK).changes === CHUNK) later(0)
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) later(RETRY_MS)
    } finally {
      database.pragma(`busy_timeout = ${timeout}`)
    }
  }

  return {
    /** `writer`, which keeps the folding off while open and starts it once closed. */
    track(writer: ImportWriter): ImportWriter {
      writers++
      let open = true
      return {
        ...writer,
        async close() {
          try {
            await writer.close()
          } finally {
            if (open) {
              open = false
              writers--
              later(0)
            }
          }
        },
      }
    },
    /** Folds the tail soon; a fold already under way goes on. */
    schedule: () => later(0),
    /** Stops folding (the storage closes). */
    close() {
      stopped = true
      clearTimeout(timer)
      timer = undefined
    },
  }
}
