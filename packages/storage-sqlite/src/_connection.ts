import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ImporterDatabase } from '@product-importer/core/sql'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { SqliteStorageOptions } from './types.js'

/** The one connection of a storage, as the raw driver (hot path) and as Kysely (the rest). */
export interface SqliteConnection {
  database: BetterSqlite3.Database
  db: Kysely<ImporterDatabase>
  /** Closes Kysely, and the database when the adapter opened it. */
  close(): Promise<void>
}

/**
 * Opens (or adopts) the database and sets it up for the importer. `hostDb` is the application's
 * own Kysely instance over `options.database`, used instead of one of the adapter's and never
 * destroyed.
 */
export function openConnection(
  options: SqliteStorageOptions,
  hostDb?: Kysely<ImporterDatabase>,
): SqliteConnection {
  const owned = options.database === undefined
  const database = options.database !== undefined ? options.database : openFile(options.filename)
  // Row errors cascade with their job; SQLite builds other than this driver's default to off.
  database.pragma('foreign_keys = ON')
  const db =
    hostDb ??
    new Kysely<ImporterDatabase>({
      // Kysely closes what it is given on destroy(); the adapter decides that itself, so Kysely
      // gets a view of the database without close().
      dialect: new SqliteDialect({
        database: { prepare: statementCache(database), close: () => {} },
      }),
    })
  return {
    database,
    db,
    async close() {
      if (!hostDb) await db.destroy()
      if (owned && database.open) database.close()
    },
  }
}

/** Statements kept prepared, by SQL text: the API's queries are a few shapes asked many times. */
const CACHED_STATEMENTS = 256

/**
 * `prepare` with a bounded cache, least recently used out. A statement still being iterated is
 * busy and cannot run again until done: such a request gets a fresh one.
 */
function statementCache(database: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>()
  return (sql: string): BetterSqlite3.Statement => {
    const cached = cache.get(sql)
    if (cached && !cached.busy) {
      cache.delete(sql)
      cache.set(sql, cached)
      return cached
    }
    const statement = database.prepare(sql)
    if (!cached) {
      cache.set(sql, statement)
      if (cache.size > CACHED_STATEMENTS) cache.delete(cache.keys().next().value!)
    }
    return statement
  }
}

function openFile(filename: string): BetterSqlite3.Database {
  const inMemory = filename === ':memory:' || filename === ''
  if (!inMemory && !filename.startsWith('file:')) mkdirSync(dirname(filename), { recursive: true })
  const database = new BetterSqlite3(filename)
  // WAL lets readers (the API, exports) run while an import writes; NORMAL is durable across
  // application crashes in WAL mode and much faster than FULL.
  if (!database.memory) database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('busy_timeout = 5000')
  return database
}

/**
 * The file of `database`'s main schema as an absolute path, whatever it was opened with: what
 * another connection (a thread's) opens, whatever the working directory has become since.
 */
export function mainFile(database: BetterSqlite3.Database): string {
  const schemas = database.pragma('database_list') as { name: string; file: string }[]
  return schemas.find((schema) => schema.name === 'main')?.file || database.name
}
