import type { Kysely } from 'kysely'
import type { Pool, PoolConfig } from 'pg'

/**
 * Options of {@link pgStorage}: a connection string (the adapter creates and owns a pool), a
 * `pg` Pool the application owns, or the application's own `Kysely` instance with the pool it
 * was built on.
 */
export type PgStorageOptions = PgConnectionOptions &
  PgSearchOptions &
  PgLimitOptions &
  PgSchemaOptions

/** Where {@link pgStorage} keeps its tables. */
export interface PgSchemaOptions {
  /**
   * A schema of its own for every table, index, function and migration record, created by
   * `migrate()` if missing, so the importer lives beside a host's own `products` table. Set on
   * each connection's search path (`<schema>, public`, public for extensions such as pg_trgm),
   * so it needs a `connectionString`: give a `pool` of your own the search path yourself. A
   * plain identifier (letters, digits, `_`). @default 'public'
   */
  schema?: string
}

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
  /**
   * How long a batch of an import waits for a server that went away (a restart, a failover) to
   * answer again, connecting every second at most, before the import fails with
   * `DATABASE_UNAVAILABLE`. A fast restart takes a second or two. @default 30000
   */
  reconnectWaitMs?: number
}

/** Where {@link pgStorage} connects. */
export type PgConnectionOptions =
  | {
      /** e.g. `postgres://user:password@127.0.0.1:5432/products`. */
      connectionString: string
      /** Extra settings of the pool the adapter creates (size, timeouts, TLS). */
      poolConfig?: Omit<PoolConfig, 'connectionString'>
      pool?: never
      kysely?: never
    }
  | {
      /**
       * A pool the application owns: `close()` leaves it open. Imports, export streams and the
       * job listener connect with its settings but outside it; its `onConnect` hook and
       * 'connect' listeners run on those connections too. With `kysely`, the pool that
       * instance's `PostgresDialect` was built on.
       */
      pool: Pool
      /**
       * The application's own Kysely instance on a `PostgresDialect` over `pool`: the adapter's
       * queries go through it (without its plugins), and `close()` never destroys it. Imports
       * (COPY), export streams and the job listener (LISTEN) still connect beside it with the
       * pool's settings, which no Kysely instance can hand out; the queries of a caller that
       * went away are not cancelled (the pool's own `statement_timeout` bounds them). Kysely
       * 0.28 (the range of this package's kysely peer dependency). `migrate()` checks that it
       * reaches the pool's database and search path.
       */
      // biome-ignore lint/suspicious/noExplicitAny: the application's own table types are none of the adapter's business
      kysely?: Kysely<any>
      connectionString?: never
      poolConfig?: never
    }

/** Text columns a trigram index can serve, named by the product filter that uses them. */
export type SearchColumn = 'name' | 'sku' | 'description'

/** Options of the text search of {@link pgStorage}. */
export interface PgSearchOptions {
  /**
   * Columns whose substring filters get a pg_trgm index, created by `migrate()` when the role
   * may create the extension (filters work without, as scans). `name` gets a GiST index that
   * holds the names, so that the total of a name search is counted from the index alone; `sku`
   * and `description` get GIN ones. An import into an empty table builds them once at its end
   * (at 500,000 products: name 4.7 s, sku 1.5 s, description about 15 s); other imports keep
   * them current for the rows they change. The `q` filter searches sku, name and description,
   * so only all three serve it (a GIN name index is then added for its bitmaps).
   * docs/benchmarks-pg.md and the package README have the figures. Indexes are only ever added,
   * never dropped for good.
   * @default ['name', 'sku']
   */
  searchIndexes?: readonly SearchColumn[]
}
