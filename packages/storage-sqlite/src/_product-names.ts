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
 * from `products` itself. Each import batch appends the tail in its transaction (one
 * `INSERT ... SELECT` in rowid order, as cheap as the table's own appends), so an import never
 * pays a trigger per row; a product created through the API stays in the tail until the next
 * import. Triggers keep what the table covers current: a name changed, a product deleted. A new
 * product always gets a rowid above every existing one (products has no INTEGER PRIMARY KEY
 * that anyone sets), so it can only land in the tail.
 */
const TABLE = 'product_names'

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
    await sql`create trigger if not exists product_names_delete
      after delete on products begin
        delete from ${sql.table(TABLE)} where rowid = old.rowid;
      end`.execute(db)
  },
}

/** Appends the tail to `product_names`; run in each import batch's transaction. */
export const APPEND_TAIL = `insert into ${TABLE} (rowid, name) select rowid, name from products
  where rowid > (select coalesce(max(rowid), 0) from ${TABLE})`

/**
 * Counts the products whose name contains `text` with a rowid in `(after, upTo]`, or above
 * `after` when `upTo` is undefined (then with the tail, read in the same statement so that a
 * batch appending it in between cannot count a product twice or not at all).
 */
export function countNamesQuery(
  db: Kysely<ImporterDatabase>,
  text: string,
  after: number,
  upTo: number | undefined,
) {
  const match = contains(sqliteFlavor, 'name', text)
  if (upTo !== undefined) {
    return sql`select count(*) from ${sql.table(TABLE)}
      where ${match} and rowid > ${after} and rowid <= ${upTo}`.compile(db)
  }
  return sql`select (select count(*) from ${sql.table(TABLE)} where ${match} and rowid > ${after})
    + (select count(*) from products where ${TAIL} and ${match})`.compile(db)
}

/** The products whose name contains `text`, as a condition on `products`. */
export function nameMatches(text: string): Expression<SqlBool> {
  const match = contains(sqliteFlavor, 'name', text)
  return sql<SqlBool>`rowid in (select rowid from ${sql.table(TABLE)} where ${match}
    union all select rowid from products where ${TAIL} and ${match})`
}
