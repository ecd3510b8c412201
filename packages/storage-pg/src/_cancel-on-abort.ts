import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'

/** What of a `pg` client a cancel request needs (internal to `pg`, stable through 8.x). */
interface RunningClient extends pg.PoolClient {
  activeQuery?: unknown
}
interface Canceller {
  connection: { on(event: 'error', listener: () => void): void }
  cancel(client: pg.PoolClient, query: unknown): void
}

/**
 * Cancels the queries of a caller that has gone: `run(signal, work)` marks every pooled
 * connection `work` takes (through Kysely, which asks {@link CancelOnAbort.pool} for them) with
 * `signal`; when it aborts, the query each one runs for it gets a cancel request, the
 * protocol's own message on a fresh socket with the backend's id and key. No pooled connection
 * is needed to cancel, so a pool full of slow queries can still be emptied. A connection handed
 * out after the abort goes back at once and its query never starts.
 */
export function createCancelOnAbort(pool: pg.Pool) {
  const callers = new AsyncLocalStorage<AbortSignal>()
  // The signal a connection currently works for: a connection handed back and taken by another
  // request must not be cancelled by this one's abort.
  const owners = new WeakMap<pg.PoolClient, AbortSignal>()

  const cancel = (client: RunningClient) => {
    const query = client.activeQuery
    if (!query) return
    const canceller = new pg.Client(pool.options) as unknown as Canceller
    // The server closes the cancel socket itself; a failure to reach it leaves the query to run.
    canceller.connection.on('error', () => {})
    canceller.cancel(client, query)
  }

  /** The pool as Kysely's PostgresDialect uses it. */
  const wrapped = {
    async connect(): Promise<pg.PoolClient> {
      const client = await pool.connect()
      const signal = callers.getStore()
      if (!signal) return client
      if (signal.aborted) {
        client.release()
        throw signal.reason
      }
      owners.set(client, signal)
      // The pool gives every checkout a release of its own, so this wraps this checkout's only.
      const release = client.release.bind(client)
      client.release = (error?: Error | boolean) => {
        owners.delete(client)
        return release(error)
      }
      signal.addEventListener(
        'abort',
        () => {
          if (owners.get(client) === signal) cancel(client)
        },
        { once: true },
      )
      return client
    },
    end: () => pool.end(),
  }

  return {
    pool: wrapped as unknown as pg.Pool,
    run: <T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> => callers.run(signal, work),
  }
}

/** {@link createCancelOnAbort}'s result. */
export type CancelOnAbort = ReturnType<typeof createCancelOnAbort>
