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

/**
 * Indexes that give sorted pages in order, ties by id: by name (its folded key) and by price,
 * whose NULLs SQLite reads last from the same index in either direction. Without them, a page
 * sorted by name or price at 500,000 products sorted the whole table (p95 about 190 ms; see
 * docs/benchmarks.md). A SKU sort reads the `sku_key` index.
 */
const sortIndexes: Migration = {
  async up(db) {
    await sql`create index if not exists products_name_key_idx
      on products (name_key, id)`.execute(db)
    await sql`create index if not exists products_price_idx
      on products (price_cents, id)`.execute(db)
  },
}

/** SQLite's own migrations, run after the shared ones. */
export async function sqliteMigrations(): Promise<Record<string, Migration>> {
  return {
    sqlite_0001_inactive_index: inactiveIndex,
    sqlite_0002_product_names: productNamesMigration,
    sqlite_0003_list_by_id: listByIdMigration,
    sqlite_0004_sort_indexes: sortIndexes,
  }
}
