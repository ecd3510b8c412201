import { type Migration, sql } from 'kysely'
import { listByIdMigration } from './_list-order.js'
import { productNamesMigration } from './_product-names.js'

/**
 * The index on `active` becomes one on the inactive products only, in list order. An index on a
 * two-valued column took a write per imported row and still left the list of inactive products
 * to sort every match (about 100 ms at 500k products); this one takes a write for inactive rows
 * only, lists them in order at once, and counts them. Active products are counted as all minus
 * the inactive ones (see _count-products.ts).
 */
const inactiveIndex: Migration = {
  async up(db) {
    await sql`drop index if exists products_active_idx`.execute(db)
    await sql`create index if not exists products_inactive_idx
      on products (created_at, id) where active = 0`.execute(db)
  },
}

// No index serves sorted pages here: one on (name_key, id) and one on (price_cents, id) took a
// first import of 500,000 products from 15.6 s to 48.6 s on a busy machine (each batch rewrites
// nearly every page of an index filled in random order), for pages sorted by name or price in
// 9 to 82 ms instead of 165 to 534 ms. A sorted page reads the table, keeping the best rows as
// it goes (see docs/benchmarks.md).

/**
 * The products of a variant group, for a product's page: a partial index holds the products
 * that have a group only, so a catalog without groups pays nothing for it on import. The other
 * catalog filters read the table, as a sorted page does (see above).
 */
const groupIndex: Migration = {
  async up(db) {
    await sql`create index if not exists products_variant_group_idx
      on products (variant_group) where variant_group is not null`.execute(db)
  },
}

/** SQLite's own migrations, run after the shared ones. */
export async function sqliteMigrations(): Promise<Record<string, Migration>> {
  return {
    sqlite_0001_inactive_index: inactiveIndex,
    sqlite_0002_product_names: productNamesMigration,
    sqlite_0003_list_by_id: listByIdMigration,
    sqlite_0004_group_index: groupIndex,
  }
}
