import type { Pool, PoolConfig } from 'pg'

/**
 * Options of {@link pgStorage}: a connection string (the adapter creates and owns a pool), or a
 * `pg` Pool the application owns.
 */
export type PgStorageOptions =
  | {
      /** e.g. `postgres://user:password@127.0.0.1:5432/products`. */
      connectionString: string
      /** Extra settings of the pool the adapter creates (size, timeouts, TLS). */
      poolConfig?: Omit<PoolConfig, 'connectionString'>
    }
  | {
      /** A pool the application owns: `close()` leaves it open. */
      pool: Pool
    }
