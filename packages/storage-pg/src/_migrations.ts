import { type Kysely, type Migration, sql } from 'kysely'
import { DEFERRED_TABLE } from './_deferred-indexes.js'
import { productTotalsMigration } from './_product-totals.js'
import { CATALOG_INDEXES, SORT_INDEXES } from './_sort-indexes.js'
import type { SearchColumn } from './types.js'

/** The channel on which every write of an import job announces the job's id. */
export const JOB_CHANNEL = 'product_importer_jobs'

const SEARCH_INDEXES: Record<SearchColumn, [index: string, column: string]> = {
  name: ['products_name_trgm_idx', 'name'],
  sku: ['products_sku_key_trgm_idx', 'sku_key'],
  description: ['products_description_trgm_idx', 'description'],
}

const searchIndexMigration = (column: SearchColumn) => `postgres_0002_search_index_${column}`

/**
 * A trigger that NOTIFYs {@link JOB_CHANNEL} with the job's id on every insert or update of
 * `import_jobs`, delivered when the write commits, whichever instance or tool made it. Checked
 * first because databases migrated before this was a migration already have it, and CREATE
 * TRIGGER would lock import_jobs behind running imports.
 */
const jobNotify: Migration = {
  async up(db) {
    await sql`create or replace function product_importer_job_written() returns trigger
      language plpgsql as $$
      begin
        perform pg_notify(${sql.lit(JOB_CHANNEL)}, new.id);
        return null;
      end $$`.execute(db)
    await sql`do $$ begin
      if not exists (select 1 from pg_trigger
          where tgname = 'import_jobs_notify' and tgrelid = 'import_jobs'::regclass) then
        create trigger import_jobs_notify after insert or update on import_jobs
          for each row execute function product_importer_job_written();
      end if;
    end $$`.execute(db)
  },
}

/** The table where an import that loads into an empty table parks the indexes it builds last. */
const deferredIndexes: Migration = {
  async up(db) {
    await sql`create table if not exists ${sql.id(DEFERRED_TABLE)} (
      name text primary key,
      definition text not null
    )`.execute(db)
  },
}

/** A pg_trgm GIN index that serves `ILIKE '%text%'` filters on one column. */
const searchIndex = (column: SearchColumn): Migration => ({
  async up(db) {
    const [index, target] = SEARCH_INDEXES[column]
    await sql`create index if not exists ${sql.id(index)} on products
      using gin (${sql.id(target)} gin_trgm_ops)`.execute(db)
  },
})

/**
 * The name index as GiST holding the names themselves (INCLUDE), in place of the GIN one of
 * `postgres_0002_search_index_name` under the same name. GIN answers a filter with row
 * addresses only, so the total of a common word visited the table: "lamp" matches 30,959 of
 * 490,207 products on 16,582 of its 21,000 pages, more than the default shared_buffers hold.
 * GiST can return the included name, and an index-only scan counts from the index alone (a
 * name search with its total, p95 at 500,000 products: 80 to 91 ms with GIN, 27 to 32 ms with
 * this; its build takes 4.7 s where GIN's took 2.0 s). Where the visibility map does not mark
 * a page all-visible (rows written since the last VACUUM) the scan reads that page too. The
 * same name keeps a record that a crashed bulk load left in the deferred-index table from
 * building the GIN one again.
 */
const nameSearchIndex: Migration = {
  async up(db) {
    const [index, column] = SEARCH_INDEXES.name
    const built = `${index}_gist`
    // Built first, then swapped in: the drop locks products against reads too until the
    // migration commits, and only the build takes long (about 5 s at 500,000 products).
    await sql`create index ${sql.id(built)} on products
      using gist (${sql.id(column)} gist_trgm_ops) include (${sql.id(column)})`.execute(db)
    await sql`drop index if exists ${sql.id(index)}`.execute(db)
    await sql`alter index ${sql.id(built)} rename to ${sql.id(index)}`.execute(db)
  },
}

/** The migration that turns the name index into {@link nameSearchIndex}. */
const NAME_INDEX_GIST = 'postgres_0004_name_trgm_gist'

/**
 * A GIN name index beside the GiST one, where every column the `q` filter searches has an
 * index. `q` ORs three filters into one bitmap; the GiST part of it took 23 ms for "lamp" where
 * GIN takes 6, and the planner, pricing GiST higher still, scanned the whole table instead
 * (`q` p95 330 to 450 ms against 86 to 109 ms with the GIN one beside it).
 */
const nameBitmapIndex: Migration = {
  async up(db) {
    await sql`create index if not exists products_name_gin_trgm_idx on products
      using gin (name gin_trgm_ops)`.execute(db)
  },
}

/** The migration that adds {@link nameBitmapIndex}. */
const NAME_INDEX_FOR_Q = 'postgres_0005_name_trgm_gin_for_q'

/**
 * Sorted pages in index order, ties by id. `name_key` compares by code point (COLLATE "C"), as
 * SQLite compares it, whatever the database's collation. Prices need an index per direction:
 * ascending, NULLs come last of a plain index; descending, only of one declared so.
 */
const sortIndexes: Migration = {
  async up(db) {
    await sql`alter table products alter column name_key type text collate "C"`.execute(db)
    for (const [index, columns] of Object.entries(SORT_INDEXES)) {
      await sql`create index if not exists ${sql.id(index)} on products (${sql.raw(columns)})`.execute(
        db,
      )
    }
  },
}

/**
 * The catalog fields' indexes (see CATALOG_INDEXES). Brands sort by code point (COLLATE "C"),
 * as SQLite compares them, whatever the database's collation; the column is new and empty when
 * this runs, and a change of collation alone rewrites no row.
 */
const catalogIndexes: Migration = {
  async up(db) {
    await sql`alter table products alter column brand type text collate "C"`.execute(db)
    for (const [index, definition] of Object.entries(CATALOG_INDEXES)) {
      await sql`create index if not exists ${sql.id(index)} on products ${sql.raw(definition)}`.execute(
        db,
      )
    }
  },
}

/**
 * Whether trigram indexes can be built: pg_trgm is installed, or this role may install it (a
 * trusted extension since PostgreSQL 13, so any role that may create objects in the database).
 */
async function trigramsAvailable(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select exists
    (select 1 from pg_extension where extname = 'pg_trgm') as ok`.execute(db)
  if (rows[0]?.ok) return true
  try {
    await sql`create extension if not exists pg_trgm`.execute(db)
    return true
  } catch {
    // Another instance may have installed it at the same moment.
    const again = await sql<{ ok: boolean }>`select exists
      (select 1 from pg_extension where extname = 'pg_trgm') as ok`.execute(db)
    return again.rows[0]?.ok === true
  }
}

/**
 * PostgreSQL's own migrations: the job trigger, and a trigram index per configured search
 * column. Where the role may not install pg_trgm, the index migrations are not listed yet and
 * filters work as plain scans; `migrate()` runs them once the extension exists.
 */
export function postgresMigrations(columns: readonly SearchColumn[]) {
  return async (
    db: Kysely<unknown>,
    executed: ReadonlySet<string>,
  ): Promise<Record<string, Migration>> => {
    const migrations: Record<string, Migration> = { postgres_0001_job_notify: jobNotify }
    const wanted = new Set(columns)
    const pending = [...wanted].filter((column) => !executed.has(searchIndexMigration(column)))
    const canIndex = pending.length === 0 || (await trigramsAvailable(db))
    for (const column of Object.keys(SEARCH_INDEXES) as SearchColumn[]) {
      const name = searchIndexMigration(column)
      // One that ran stays listed (it never runs again), even if its column is no longer asked
      // for: indexes are only ever added.
      if (executed.has(name) || (wanted.has(column) && canIndex)) {
        migrations[name] = searchIndex(column)
      }
    }
    migrations.postgres_0003_deferred_indexes = deferredIndexes
    migrations.postgres_0006_sort_indexes = sortIndexes
    migrations.postgres_0007_product_totals = productTotalsMigration
    migrations.postgres_0008_catalog_indexes = catalogIndexes
    if (executed.has(NAME_INDEX_GIST) || (wanted.has('name') && canIndex)) {
      migrations[NAME_INDEX_GIST] = nameSearchIndex
    }
    const servesQ = (['name', 'sku', 'description'] as const).every((c) => wanted.has(c))
    if (executed.has(NAME_INDEX_FOR_Q) || (servesQ && canIndex)) {
      migrations[NAME_INDEX_FOR_Q] = nameBitmapIndex
    }
    return migrations
  }
}
