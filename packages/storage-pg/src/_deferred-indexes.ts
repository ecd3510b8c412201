// Trigram indexes built after a bulk load instead of kept current during it. Keeping the name
// index current doubled the writes of a first import into an empty table (see
// docs/benchmarks-pg.md); building it once over the loaded table costs a fraction of that.
import type pg from 'pg'
import { LOADED_LAST } from './_sort-indexes.js'

/** Where dropped indexes wait to be built again, with the statement that builds each. */
export const DEFERRED_TABLE = 'product_importer_deferred_indexes'

// Held for the whole load by the writer that dropped the indexes, on its own session, so that a
// crash (which ends the session) frees it. Keyed by the products table, so that every schema
// has its own.
export const LOAD_LOCK = `hashtext('product_importer_bulk_load'), 'products'::regclass::oid::int`

// Dropping an index waits for every query on products; an import waits this long at most and
// otherwise loads with the indexes kept current.
const DROP_LOCK_TIMEOUT = '200ms'

// The trigram indexes and the sort indexes (see _sort-indexes.ts).
const TRIGRAM_INDEXES = `select i.indexrelid::regclass::text as name,
    pg_get_indexdef(i.indexrelid) as definition
  from pg_index i
  where i.indrelid = 'products'::regclass and (pg_get_indexdef(i.indexrelid) like '%trgm_ops%'
    or i.indexrelid::regclass::text in (${LOADED_LAST.map((name) => `'${name}'`).join(', ')}))`

/**
 * Takes the bulk-load lock for an import about to write through `client`, unless another import
 * holds it. Indexes a crashed load left dropped are built first, unless the table is still
 * empty; then, if the table is empty, its trigram indexes are dropped and recorded in
 * {@link DEFERRED_TABLE}, in one transaction. Resolves true when the indexes wait for
 * {@link buildDeferredIndexes}; false leaves them current and the lock untaken.
 */
export async function deferSearchIndexes(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    `select pg_try_advisory_lock(${LOAD_LOCK}) as ok`,
  )
  if (!rows[0]?.ok) return false
  const empty = await client.query<{ empty: boolean }>(
    'select not exists (select 1 from products) as empty',
  )
  if (!empty.rows[0]?.empty) {
    await buildDeferredIndexes(client)
    return false
  }
  try {
    await client.query(`begin; set local lock_timeout = '${DROP_LOCK_TIMEOUT}'`)
    const found = await client.query<{ name: string; definition: string }>(TRIGRAM_INDEXES)
    for (const { name, definition } of found.rows) {
      await client.query(
        `insert into ${DEFERRED_TABLE} (name, definition) values ($1, $2)
          on conflict (name) do update set definition = excluded.definition`,
        [name, definition],
      )
      await client.query(`drop index ${name}`)
    }
    await client.query('commit')
  } catch {
    // Busy (a query held the table past the timeout): load with the indexes current.
    await client.query('rollback').catch(() => {})
    await unlock(client)
    return false
  }
  return true
}

/**
 * Builds every index recorded in {@link DEFERRED_TABLE}, each with its record removed in the
 * same transaction, then frees the bulk-load lock. A search meanwhile still answers (a build
 * blocks writes to products, not reads), and one that fails leaves its record for the next
 * import or `migrate()`.
 */
export async function buildDeferredIndexes(client: pg.Client | pg.PoolClient): Promise<void> {
  try {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `select name, definition from ${DEFERRED_TABLE} order by name`,
    )
    for (const { name, definition } of rows) {
      // maintenance_work_mem 256 MB instead of the default 64 MB built the name index of 490,000
      // products no faster (2.4 to 2.9 s either way), so the server's setting stays.
      await client.query('begin')
      try {
        // Someone may have built it again meanwhile (migrate() of an index asked for anew).
        const exists = await client.query('select to_regclass($1) is not null as ok', [name])
        if (!exists.rows[0]?.ok) await client.query(definition)
        await client.query(`delete from ${DEFERRED_TABLE} where name = $1`, [name])
        await client.query('commit')
      } catch (error) {
        await client.query('rollback').catch(() => {})
        throw error
      }
    }
  } finally {
    await unlock(client)
  }
}

/**
 * Marks the pages of a load into an empty table all-visible and gathers its statistics, as
 * autovacuum would within a minute or so. Until then a name search counts its matches on the
 * table instead of in the GiST name index alone: p95 116 ms against 38 ms right after a
 * 490,000-row load here, for a VACUUM (ANALYZE) of 0.8 s.
 */
export async function vacuumLoaded(client: pg.Client): Promise<void> {
  await client.query('vacuum (analyze) products')
}

/**
 * Builds the indexes a load that crashed left dropped, unless an import is loading now (it
 * builds them itself when it ends). For `migrate()`.
 */
export async function restoreDeferredIndexes(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  let failure: unknown
  try {
    const { rows } = await client.query<{ ok: boolean }>(
      `select pg_try_advisory_lock(${LOAD_LOCK}) as ok`,
    )
    if (rows[0]?.ok) await buildDeferredIndexes(client)
  } catch (error) {
    failure = error
    throw error
  } finally {
    // A connection that failed may still hold the lock: it leaves the pool instead.
    client.release(failure instanceof Error ? failure : undefined)
  }
}

async function unlock(client: pg.Client | pg.PoolClient): Promise<void> {
  await client.query(`select pg_advisory_unlock(${LOAD_LOCK})`).catch(() => {})
}
