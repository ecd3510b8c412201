import { once } from 'node:events'
import type { BatchResult, ImportRow, ImportWriter } from '@product-importer/core'
import { createUuidV7, ImporterError, ROW_REJECTIONS } from '@product-importer/core'
import {
  PER_ROW_ENDPOINTS_SQL,
  type ReceivingEndpointRow,
  toPerRowReceivers,
} from '@product-importer/core/sql'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import {
  APPLY_BATCH,
  APPLY_BATCH_RECORDING_ROW_EVENTS,
  COPY_STAGE,
  CREATE_WRITER_TABLES,
  EVALUATE_BATCH,
} from './_batch-sql.js'
import { connectBeside } from './_connect-beside.js'
import { toCopyText } from './_copy-text.js'
import { buildDeferredIndexes, deferSearchIndexes, vacuumLoaded } from './_deferred-indexes.js'
import { isSkuKeyViolation, sqlState, storageFailed } from './_errors.js'

interface BatchRow {
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number[]
}

const MAX_ATTEMPTS = 8
const COPY_PIECE_ROWS = 500

/**
 * A product inserted meanwhile by another writer, and a deadlock the server broke, are resolved
 * by applying the batch again on fresh data.
 */
function isRetryable(error: unknown): boolean {
  const state = sqlState(error)
  return state === '40P01' || state === '40001' || isSkuKeyViolation(error)
}

/**
 * Opens the import writer: a connection of its own for the whole import, holding two session
 * tables. It is not taken from the pool, so that imports running at once never leave the pool
 * without connections for the job updates and queries they wait on. Each batch is COPYed into
 * `pi_stage` and applied by one statement in one transaction. A dry run classifies the rows the
 * same way and writes nothing but its own session table, so it holds no row locks.
 */
export async function openPgImportWriter(pool: pg.Pool, dryRun: boolean): Promise<ImportWriter> {
  // A connection lost while idle between batches is remembered and fails the next batch.
  let broken: unknown
  const onError = (error: unknown) => {
    broken ??= error
  }
  const client = await connectBeside(pool, onError)
  let closed = false
  let deferred = false
  const nextId = createUuidV7()

  async function release(): Promise<void> {
    if (closed) return
    closed = true
    // A build that fails leaves the indexes recorded for the next import or migrate().
    if (deferred && !broken) {
      await buildDeferredIndexes(client)
        .then(() => vacuumLoaded(client))
        .catch(() => {})
    }
    // The session tables and the bulk-load lock go with the session.
    await client.end().catch(() => {})
  }

  try {
    await client.query(CREATE_WRITER_TABLES)
    if (!dryRun) deferred = await deferSearchIndexes(client)
  } catch (error) {
    broken ??= error
    await release()
    throw storageFailed('opening the import writer', error)
  }

  async function attempt(rows: ImportRow[]): Promise<BatchRow> {
    // The staging table has no statistics: without these the planner hashes the whole products
    // table for every batch instead of probing its sku_key index. JIT compilation would cost
    // more (about 18 ms a batch) than the statement it compiles saves.
    const begin =
      'begin; set local enable_hashjoin = off; set local enable_mergejoin = off; set local jit = off'
    // A real run also reads, in the same round trip, which endpoints take per-row events now.
    const begun = await client.query(dryRun ? begin : `${begin}; ${PER_ROW_ENDPOINTS_SQL}`)
    const receivers = dryRun
      ? undefined
      : toPerRowReceivers(
          (begun as unknown as pg.QueryResult[]).at(-1)!.rows as ReceivingEndpointRow[],
        )
    try {
      const copy = client.query(copyFrom(COPY_STAGE))
      const done = once(copy, 'finish')
      // Small pieces rather than one string for the batch: a few MB less garbage per batch.
      for (let i = 0; i < rows.length; i += COPY_PIECE_ROWS) {
        if (!copy.write(toCopyText(rows, i, i + COPY_PIECE_ROWS, nextId))) {
          await Promise.race([once(copy, 'drain'), done])
        }
      }
      copy.end()
      await done
      const at = new Date()
      const result = dryRun
        ? await client.query<BatchRow>(EVALUATE_BATCH)
        : receivers
          ? await client.query<BatchRow>(APPLY_BATCH_RECORDING_ROW_EVENTS, [
              at,
              JSON.stringify(receivers['product.created']),
              JSON.stringify(receivers['product.updated']),
            ])
          : await client.query<BatchRow>(APPLY_BATCH, [at])
      const row = result.rows[0]!
      await client.query('commit')
      return row
    } catch (error) {
      if (!broken) await client.query('rollback').catch(onError)
      throw error
    }
  }

  return {
    async write(rows: ImportRow[]): Promise<BatchResult> {
      if (closed) throw new ImporterError('STORAGE_FAILED', 'the import writer is closed')
      if (broken) throw storageFailed('import writer connection', broken)
      if (rows.length === 0) {
        return { created: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: [] }
      }
      for (let n = 1; ; n++) {
        try {
          const row = await attempt(rows)
          return {
            created: row.created,
            updated: row.updated,
            unchanged: row.unchanged,
            duplicates: row.duplicates,
            rejected: row.rejected.map((index) => ({ index, ...ROW_REJECTIONS.nameRequired })),
          }
        } catch (error) {
          const retry = isRetryable(error)
          if (broken || !retry || n >= MAX_ATTEMPTS) {
            throw storageFailed('import batch', error)
          }
          // Back off a little so that the writer we collided with can commit.
          await new Promise((resolve) => setTimeout(resolve, n * 5 + Math.random() * 10 * n))
        }
      }
    },
    close: release,
  }
}
