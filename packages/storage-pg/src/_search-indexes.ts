import { type Kysely, sql } from 'kysely'
import type { SearchColumn } from './types.js'

// Any 64-bit number unique to this package, so concurrent migrations wait for each other.
const LOCK_ID = 7_318_204_551n

const INDEXES: Record<SearchColumn, [index: string, column: string]> = {
  name: ['products_name_trgm_idx', 'name'],
  sku: ['products_sku_key_trgm_idx', 'sku_key'],
  description: ['products_description_trgm_idx', 'description'],
}

/**
 * PostgreSQL-only objects added after the shared migrations: pg_trgm GIN indexes that make
 * `ILIKE '%text%'` filters use an index. Where the role may not create the extension, the
 * filters keep working as plain scans. Returns whether the indexes exist.
 */
export async function ensureSearchIndexes(
  db: Kysely<unknown>,
  columns: readonly SearchColumn[],
): Promise<boolean> {
  if (columns.length === 0) return false
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_ID)})`.execute(tx)
    const installed = await sql<{ ok: boolean }>`
      select exists (select 1 from pg_extension where extname = 'pg_trgm') as ok`.execute(tx)
    if (!installed.rows[0]?.ok) {
      try {
        await sql`savepoint trgm`.execute(tx)
        await sql`create extension if not exists pg_trgm`.execute(tx)
        await sql`release savepoint trgm`.execute(tx)
      } catch {
        await sql`rollback to savepoint trgm`.execute(tx)
        return false
      }
    }
    for (const [index, column] of new Set(columns.map((c) => INDEXES[c]))) {
      await sql`create index if not exists ${sql.id(index)} on products
        using gin (${sql.id(column)} gin_trgm_ops)`.execute(tx)
    }
    return true
  })
}
