import type BetterSqlite3 from 'better-sqlite3'

/**
 * Options of {@link sqliteStorage}: a database file the adapter opens (and closes), or a
 * better-sqlite3 `Database` the caller owns.
 */
export type SqliteStorageOptions = SqliteCommonOptions &
  (
    | {
        /**
         * Path of the database file, created with its folder when missing. `:memory:` keeps
         * everything in memory for the life of the storage.
         */
        filename: string
      }
    | {
        /**
         * An open better-sqlite3 database. The adapter uses it as its owner configured it (it only
         * turns on foreign keys, and keeps the journal of its temporary tables in memory) and
         * never closes it. Imports open a second connection to its file (see `importThread`).
         */
        database: BetterSqlite3.Database
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
