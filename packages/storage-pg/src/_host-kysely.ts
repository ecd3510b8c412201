import { ImporterError } from '@product-importer/core'
import { type ImporterDatabase, toHostKysely } from '@product-importer/core/sql'
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import { storageFailed } from './_errors.js'
import type { PgStorageOptions } from './types.js'

/**
 * The application's own Kysely instance, when it gave one, checked. It must come with the `pg`
 * pool it was built on: each import COPYs on a connection of its own, exports read a cursor on
 * one, the job listener LISTENs on one, and a Kysely instance hands out none of them (its
 * dialect keeps the pool private). A `connectionString` or `poolConfig` beside it describes a
 * second database, refused rather than guessed between.
 */
export function checkedKysely(options: PgStorageOptions): Kysely<ImporterDatabase> | undefined {
  const given = options as Partial<
    Record<'kysely' | 'pool' | 'connectionString' | 'poolConfig', unknown>
  >
  if (given.kysely === undefined) return undefined
  if (given.connectionString !== undefined || given.poolConfig !== undefined) {
    throw new TypeError(
      'pgStorage() takes kysely with the pool it was built on, not a connectionString or poolConfig: pass { kysely, pool }',
    )
  }
  if (given.pool === undefined) {
    throw new TypeError(
      "pgStorage({ kysely }) needs the pg Pool the instance was built on too, { kysely, pool }: imports (COPY), exports and the job listener (LISTEN) open connections of their own with the pool's settings",
    )
  }
  return toHostKysely(given.kysely, 'postgres', 'kysely')
}

/** What must agree between the Kysely instance's connections and the pool's. */
interface Session {
  database: string
  search_path: string
}

/**
 * Fails with `STORAGE_FAILED` unless `db` and `pool` reach the same database with the same
 * search path: imports COPY through the pool's settings while the API reads through Kysely, so
 * a difference would put the products where the API never looks.
 */
export async function assertSameDatabase(
  db: Kysely<ImporterDatabase>,
  pool: pg.Pool,
): Promise<void> {
  const query =
    "select current_database() as database, current_setting('search_path') as search_path"
  let mine: Session | undefined
  let theirs: Session | undefined
  try {
    mine = (await sql.raw<Session>(query).execute(db)).rows[0]
    theirs = (await pool.query<Session>(query)).rows[0]
  } catch (error) {
    throw storageFailed('checking the kysely instance', error)
  }
  if (mine?.database !== theirs?.database || mine?.search_path !== theirs?.search_path) {
    throw new ImporterError(
      'STORAGE_FAILED',
      `the kysely instance given to pgStorage() reaches ${describe(mine)} but its pool ${describe(theirs)}: build the instance on the pool (new PostgresDialect({ pool }))`,
    )
  }
}

const describe = (session: Session | undefined) =>
  `database ${session?.database} (search_path ${session?.search_path})`
