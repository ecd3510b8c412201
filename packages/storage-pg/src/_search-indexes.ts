import { type Kysely, sql } from 'kysely'

// Any 64-bit number unique to this package, so concurrent migrations wait for each other.
const LOCK_ID = 7_318_204_551n

const TRIGRAM_INDEXES = {
  products_sku_key_trgm_idx: 'sku_key',
  products_name_trgm_idx: 'name',
} as const

/**
 * PostgreSQL-only objects added after the shared migrations: pg_trgm GIN indexes that make
 * `ILIKE '%text%'` filters use an index. Where the role may not create the extension, the
 * filters keep working as plain scans. Returns whether the indexes exist.
 */
export async function ensureSearchIndexes(db: Kysely<unknown>): Promise<boolean> {
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
    for (const [index, column] of Object.entries(TRIGRAM_INDEXES)) {
      await sql`create index if not exists ${sql.id(index)} on products
        using gin (${sql.id(column)} gin_trgm_ops)`.execute(tx)
    }
    return true
  })
}
