import { ImporterError } from '@product-importer/core'
import type pg from 'pg'
import { connectBeside } from './_connect-beside.js'
import { sqlState } from './_errors.js'

/** SQLSTATE of "too many clients" (max_connections or a role's CONNECTION LIMIT reached). */
const TOO_MANY_CONNECTIONS = '53300'
/** Pause between attempts to connect while the server refuses more clients. */
const RETRY_MS = 100

/**
 * Connections beside the pool for exports, at most `limit` at once. An export waits for a free
 * one, and for a server at its `max_connections` to take one more, up to `waitMs`; then it fails
 * with `BUSY`, saying which wait ran out, instead of the server's "too many clients".
 */
export function createConnectionWait(pool: pg.Pool, limit: number, waitMs: number) {
  let used = 0
  const waiting: (() => void)[] = []
  const busy = (why: string) =>
    new ImporterError(
      'BUSY',
      `no PostgreSQL connection for the export after ${waitMs / 1000} s: ${why}; try again later`,
    )

  const slot = (deadline: number) =>
    new Promise<void>((resolve, reject) => {
      if (used < limit) {
        used++
        return resolve()
      }
      const take = () => {
        clearTimeout(timer)
        used++
        resolve()
      }
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(take), 1)
        reject(busy(`all ${limit} export connections stayed in use`))
      }, deadline - Date.now())
      waiting.push(take)
    })
  const release = () => {
    used--
    waiting.shift()?.()
  }

  return {
    /** A connection of its own for one export, and the function that gives its slot back. */
    async connect(): Promise<{ client: pg.Client; release: () => void }> {
      const deadline = Date.now() + waitMs
      await slot(deadline)
      try {
        for (;;) {
          try {
            // A connection lost between reads fails the next read; the event itself is not needed.
            return { client: await connectBeside(pool, () => {}), release }
          } catch (error) {
            const full = sqlState((error as { cause?: unknown }).cause) === TOO_MANY_CONNECTIONS
            if (!full) throw error
            if (Date.now() + RETRY_MS > deadline) {
              throw busy('the server refused more clients (max_connections)')
            }
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
          }
        }
      } catch (error) {
        release()
        throw error
      }
    },
  }
}
