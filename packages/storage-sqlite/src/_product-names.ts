import type { ImporterDatabase } from '@product-importer/core/sql'
import { contains } from '@product-importer/core/sql'
import { type Expression, type Kysely, type Migration, type SqlBool, sql } from 'kysely'
import { sqliteFlavor } from './_flavor.js'

/**
 * `product_names` holds each product's name under the product's rowid: a table about a tenth
 * as wide as `products`, so a name filter scans it in about a third of the time (the scan is
 * bound by rows per page, not by bytes compared).
 *
 * It covers the products up to its own largest rowid; products above it (the tail) are read
 * from `products` itself, in the same statement, so a search is exact whatever the table
 * covers. The tail is folded in after an import, a chunk at a time (see _fold-names.ts): an
 * import pays nothing per row (appending each batch's names in its transaction cost about 5%
 * of a first import of 500,000 products, a trigger on insert 80%). Triggers keep what the
 * table covers current: a name changed, a product deleted. A new product always gets a rowid
 * above every existing one (`products` has no INTEGER PRIMARY KEY that anyone sets), so it can
 * only land in the tail.
 */
const TABLE = 'product_names'

/** Takes a deleted product's name out. */
const DELETE_TRIGGER = sql`create trigger if not exists product_names_delete
  after delete on products begin
    delete from ${sql.table(TABLE)} where rowid = old.rowid;
  end`

/** The products `product_names` does not cover yet. */
const TAIL = sql`rowid > (select coalesce(max(rowid), 0) from ${sql.table(TABLE)})`

/** Creates `product_names` and its triggers, filled with the products already there. */
export const productNamesMigration: Migration = {
  async up(db) {
    await sql`create table if not exists ${sql.table(TABLE)} (
      rowid integer primary key, name text not null)`.execute(db)
    await sql`insert or ignore into ${sql.table(TABLE)} (rowid, name)
      select rowid, name from products`.execute(db)
    // Only a real change of name is written: the import writer sets every column it updates.
    await sql`create trigger if not exists product_names_update
      after update of name on products when new.name is not old.name begin
        update ${sql.table(TABLE)} set name = new.name where rowid = new.rowid;
      end`.execute(db)
    await DELETE_TRIGGER.execute(db)
  },
}

/**
 * Deletes every product, and every name with them, inside the transaction `trx`. Any trigger on
 * a table makes SQLite delete its rows one by one (1.6 s for 490,207 products against 0.1 s):
 * the delete trigger is left out while both tables are emptied, and put back.
 */
export async function deleteAllProducts(trx: Kysely<ImporterDatabase>): Promise<number> {
  await sql`drop trigger if exists product_names_delete`.execute(trx)
  const { numAffectedRows } = await sql`delete from products`.execute(trx)
  await sql`delete from ${sql.table(TABLE)}`.execute(trx)
  await DELETE_TRIGGER.execute(trx)
  return Number(numAffectedRows ?? 0)
}

/** Appends up to `limit` products of the tail to `product_names`, in rowid order. */
export const FOLD_TAIL = `insert into ${TABLE} (rowid, name) select rowid, name from products
  where rowid > (select coalesce(max(rowid), 0) from ${TABLE}) order by rowid limit ?`

/** Whether `products` has a tail (products not in `product_names` yet). */
export const HAS_TAIL = `select (select coalesce(max(rowid), 0) from products)
  > (select coalesce(max(rowid), 0) from ${TABLE})`

/**
 * Counts the products whose name contains `text` with a rowid in `(after, upTo]`, or above
 * `after` when `upTo` is undefined: those of `product_names` and those of the tail, in one
 * statement, so that a fold between two slices' statements moves no product out of both (or
 * into both).
 */
export function countNamesQuery(
  db: Kysely<ImporterDatabase>,
  text: string,
  after: number,
  upTo: number | undefined,
) {
  const match = contains(sqliteFlavor, 'name', text)
  const below = upTo === undefined ? sql`` : sql`and rowid <= ${upTo}`
  // The tail's start as one value, so that the scan of products seeks to it.
  const start = sql`(select max(${after}, coalesce(max(rowid), 0)) from ${sql.table(TABLE)})`
  return sql`select
    (select count(*) from ${sql.table(TABLE)} where ${match} and rowid > ${after} ${below})
    + (select count(*) from products where rowid > ${start} ${below} and ${match})`.compile(db)
}

/** The products whose name contains `text`, as a condition on `products`. */
export function nameMatches(text: string): Expression<SqlBool> {
  const match = contains(sqliteFlavor, 'name', text)
  return sql<SqlBool>`rowid in (select rowid from ${sql.table(TABLE)} where ${match}
    union all select rowid from products where ${TAIL} and ${match})`
}
