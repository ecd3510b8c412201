import type BetterSqlite3 from 'better-sqlite3'
import type { Kysely } from 'kysely'

/**
 * Options of {@link sqliteStorage}: a database file the adapter opens (and closes), a
 * better-sqlite3 `Database` the caller owns, or the caller's own `Kysely` instance with the
 * `Database` it was built on.
 */
export type SqliteStorageOptions = SqliteCommonOptions &
  (
    | {
        /**
         * Path of the database file, created with its folder when missing. `:memory:` keeps
         * everything in memory for the life of the storage.
         */
        filename: string
        database?: never
        kysely?: never
      }
    | {
        /**
         * An open better-sqlite3 database. The adapter uses it as its owner configured it (it only
         * turns on foreign keys, and keeps the journal of its temporary tables in memory) and
         * never closes it. Imports open a second connection to its file (see `importThread`).
         * With `kysely`, the database that instance was built on.
         */
        database: BetterSqlite3.Database
        /**
         * The application's own Kysely instance on a `SqliteDialect` over `database`: the
         * adapter's queries go through it (without its plugins), so they queue behind the
         * application's transactions on the one connection instead of landing inside them.
         * `close()` never destroys it. Kysely 0.28 (the range of this package's kysely peer
         * dependency). `migrate()` checks that it is built on `database`.
         */
        // biome-ignore lint/suspicious/noExplicitAny: the application's own table types are none of the adapter's business
        kysely?: Kysely<any>
        filename?: never
      }
  )

/** Options of {@link sqliteStorage} for either kind of database. */
export interface SqliteCommonOptions {
  /**
   * Write imports on a thread of their own, with a second connection to the same file, so the
   * event loop stays free during each batch. Default `true`; it applies to a database file in
   * WAL mode (what the adapter opens), and imports into any other database write on its
   * connection.
   */
  importThread?: boolean
}
