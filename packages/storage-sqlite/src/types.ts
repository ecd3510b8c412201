import type BetterSqlite3 from 'better-sqlite3'

/**
 * Options of {@link sqliteStorage}: a database file the adapter opens (and closes), or a
 * better-sqlite3 `Database` the caller owns.
 */
export type SqliteStorageOptions =
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
       * never closes it.
       */
      database: BetterSqlite3.Database
    }
