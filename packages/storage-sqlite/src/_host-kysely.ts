import { randomBytes } from 'node:crypto'
import { ImporterError } from '@product-importer/core'
import { type ImporterDatabase, storageFailed, toHostKysely } from '@product-importer/core/sql'
import type BetterSqlite3 from 'better-sqlite3'
import { type Kysely, sql } from 'kysely'
import type { SqliteStorageOptions } from './types.js'

/**
 * The application's own Kysely instance, when it gave one, checked. It must come with the
 * better-sqlite3 `database` it was built on: the adapter's hot path (each import's prepared
 * upsert, the name folding, the counts) runs on the driver itself, and the import thread opens
 * that database's file, none of which a Kysely instance can give. A `filename` beside it is a
 * second database, refused rather than guessed between.
 */
export function checkedKysely(options: SqliteStorageOptions): Kysely<ImporterDatabase> | undefined {
  const given = options as { kysely?: unknown; database?: unknown; filename?: unknown }
  if (given.kysely === undefined) return undefined
  if (given.filename !== undefined) {
    throw new TypeError(
      'sqliteStorage() takes kysely with the database it was built on, not a filename: pass { kysely, database }',
    )
  }
  if (given.database === undefined) {
    throw new TypeError(
      'sqliteStorage({ kysely }) needs the better-sqlite3 database the instance was built on too, { kysely, database }: imports write through the driver itself and open its file on a thread of their own',
    )
  }
  return toHostKysely(given.kysely, 'sqlite', 'kysely')
}

/**
 * Fails with `STORAGE_FAILED` unless `db` runs on `database`'s own connection: a table made on
 * the driver must be seen through Kysely. (A second connection, even to the same file, would
 * let the importer's reads and the application's transactions overlap unseen.)
 */
export async function assertSameConnection(
  db: Kysely<ImporterDatabase>,
  database: BetterSqlite3.Database,
): Promise<void> {
  const name = `product_importer_probe_${randomBytes(6).toString('hex')}`
  let seen: number | undefined
  try {
    database.exec(`create temp table ${name} (x)`)
    try {
      const { rows } = await sql<{
        n: number
      }>`select count(*) as n from temp.sqlite_master where name = ${name}`.execute(db)
      seen = rows[0]?.n
    } finally {
      database.exec(`drop table temp.${name}`)
    }
  } catch (error) {
    throw storageFailed('SQLite', 'checking the kysely instance', error)
  }
  if (seen !== 1) {
    throw new ImporterError(
      'STORAGE_FAILED',
      'the kysely instance given to sqliteStorage() is not built on the database given with it: pass the better-sqlite3 Database its SqliteDialect uses',
    )
  }
}
