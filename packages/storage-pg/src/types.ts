import type { Pool, PoolConfig } from 'pg'

/**
 * Options of {@link pgStorage}: a connection string (the adapter creates and owns a pool), or a
 * `pg` Pool the application owns.
 */
export type PgStorageOptions = PgConnectionOptions & PgSearchOptions & PgLimitOptions

/** How many connections {@link pgStorage} opens beside its pool, and how long work waits. */
export interface PgLimitOptions {
  /**
   * Exports streaming at once, each on a connection of its own; more wait for one.
   * @default 2
   */
  exportConnections?: number
  /**
   * How long an export waits for a free connection, and for a server at `max_connections` to
   * take one more, before it fails with `BUSY`. @default 30000
   */
  connectionWaitMs?: number
}

/** Where {@link pgStorage} connects. */
export type PgConnectionOptions =
  | {
      /** e.g. `postgres://user:password@127.0.0.1:5432/products`. */
      connectionString: string
      /** Extra settings of the pool the adapter creates (size, timeouts, TLS). */
      poolConfig?: Omit<PoolConfig, 'connectionString'>
    }
  | {
      /**
       * A pool the application owns: `close()` leaves it open. Imports, export streams and the
       * job listener connect with its settings but outside it; its `onConnect` hook and
       * 'connect' listeners run on those connections too.
       */
      pool: Pool
    }

/** Text columns a trigram index can serve, named by the product filter that uses them. */
export type SearchColumn = 'name' | 'sku' | 'description'

/** Options of the text search of {@link pgStorage}. */
export interface PgSearchOptions {
  /**
   * Columns whose substring filters get a pg_trgm GIN index, created by `migrate()` when the role
   * may create the extension (filters work without, as scans). Every index slows imports that
   * change products already stored: kept current on 500,000 products measured here, `name` added
   * about 3 s to an import, `sku` about 3.5 s and `description` (long text) about 35 s. An import
   * into an empty table builds them once at its end instead (docs/benchmarks-pg.md has the
   * figures). The `q` filter searches sku, name and description, so only all three serve it.
   * Indexes are only ever added, never dropped for good.
   * @default ['name']
   */
  searchIndexes?: readonly SearchColumn[]
}
