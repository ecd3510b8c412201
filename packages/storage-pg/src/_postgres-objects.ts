import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely'
import type { SearchColumn } from './types.js'

// Any 64-bit number unique to this package, so concurrent migrations wait for each other.
const LOCK_ID = 7_318_204_551n

const INDEXES: Record<SearchColumn, [index: string, column: string]> = {
  name: ['products_name_trgm_idx', 'name'],
  sku: ['products_sku_key_trgm_idx', 'sku_key'],
  description: ['products_description_trgm_idx', 'description'],
}

/** The channel on which every write of an import job announces the job's id. */
export const JOB_CHANNEL = 'product_importer_jobs'

/**
 * PostgreSQL-only objects added after the shared migrations, under an advisory lock so that
 * instances migrating at once wait for each other:
 * - a trigger that NOTIFYs {@link JOB_CHANNEL} with the job's id on every insert or update of
 *   `import_jobs`, delivered when the write commits, whichever instance or tool made it;
 * - pg_trgm GIN indexes that make `ILIKE '%text%'` filters use an index. Where the role may not
 *   create the extension, the filters keep working as plain scans.
 *
 * Returns whether the search indexes exist.
 */
export async function ensurePostgresObjects(
  db: Kysely<unknown>,
  columns: readonly SearchColumn[],
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const holds = (condition: RawBuilder<unknown>) => isTrue(tx, condition)
    await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_ID)})`.execute(tx)
    await sql`create or replace function product_importer_job_written() returns trigger
      language plpgsql as $$
      begin
        perform pg_notify(${sql.lit(JOB_CHANNEL)}, new.id);
        return null;
      end $$`.execute(tx)
    // Created once: CREATE TRIGGER locks import_jobs, and would stall running imports' updates
    // each time an instance starts.
    const triggered = await holds(sql`exists (select 1 from pg_trigger
      where tgname = 'import_jobs_notify' and tgrelid = 'import_jobs'::regclass)`)
    if (!triggered) {
      await sql`create trigger import_jobs_notify after insert or update on import_jobs
        for each row execute function product_importer_job_written()`.execute(tx)
    }

    if (columns.length === 0) return false
    if (!(await holds(sql`exists (select 1 from pg_extension where extname = 'pg_trgm')`))) {
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
      // Checked first for the same reason: CREATE INDEX locks products even when it exists.
      if (await holds(sql`to_regclass(${index}) is not null`)) continue
      await sql`create index ${sql.id(index)} on products
        using gin (${sql.id(column)} gin_trgm_ops)`.execute(tx)
    }
    return true
  })
}

async function isTrue(tx: Transaction<unknown>, condition: RawBuilder<unknown>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select ${condition} as ok`.execute(tx)
  return rows[0]?.ok === true
}
