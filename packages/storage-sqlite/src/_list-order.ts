import type { ImporterDatabase, ListOrder } from '@product-importer/core/sql'
import type BetterSqlite3 from 'better-sqlite3'
import { type Kysely, type Migration, sql } from 'kysely'
import type { SqliteConnection } from './_connection.js'

/**
 * Products list newest first, by `(created_at, id)`. Every id the importer and the API give
 * embeds its product's `created_at` (UUIDv7), so while that holds for every stored product the
 * id's own index gives the same order, and an index on `(created_at, id)` would only cost each
 * insert one more B-tree: about a tenth of a first import. So such a database keeps none, and
 * the partial index of inactive products holds ids alone.
 *
 * A product whose id does not embed its `created_at` (one a caller inserts with an id of its
 * own) brings the two list-order indexes back before it is stored, for good: the order never
 * depends on which way it is read.
 */
export const LIST_BY_CREATED_INDEX = 'products_created_idx'

/**
 * The schema's list-order indexes move to ids when every stored id embeds its `created_at`
 * (always, for a database whose products all came through the importer or the API); otherwise
 * nothing changes.
 */
export const listByIdMigration: Migration = {
  async up(db) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from products
      where substr(id, 1, 8) || substr(id, 10, 4) <> printf('%012x', created_at)
        or substr(id, 9, 1) <> '-'`.execute(db)
    if (Number(rows[0]?.n) > 0) return
    await sql`drop index if exists ${sql.id(LIST_BY_CREATED_INDEX)}`.execute(db)
    await sql`drop index if exists products_inactive_idx`.execute(db)
    await sql`create index products_inactive_idx on products (id) where active = 0`.execute(db)
  },
}

/** SQLite's {@link ListOrder}: by id while the database has no `(created_at, id)` index. */
export function createListOrder(connection: () => SqliteConnection): ListOrder {
  let hasIndex: BetterSqlite3.Statement | undefined
  return {
    byId() {
      // Asked before every list, so a product another connection stored out of order counts
      // at once: a lookup in the schema, a few microseconds.
      hasIndex ??= connection()
        .database.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'index' AND name = ?")
        .pluck()
      return hasIndex.get(LIST_BY_CREATED_INDEX) === undefined
    },
    async outOfOrder(db) {
      const restore = async (trx: Kysely<ImporterDatabase>) => {
        await sql`create index if not exists ${sql.id(LIST_BY_CREATED_INDEX)}
          on products (created_at, id)`.execute(trx)
        await sql`drop index if exists products_inactive_idx`.execute(trx)
        await sql`create index products_inactive_idx
          on products (created_at, id) where active = 0`.execute(trx)
      }
      await (db.isTransaction ? restore(db) : db.transaction().execute(restore))
    },
  }
}
