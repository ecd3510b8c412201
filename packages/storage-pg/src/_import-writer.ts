import { once } from 'node:events'
import type { BatchResult, ImportRow, ImportWriter } from '@product-importer/core'
import {
  createUuidV7,
  ImporterError,
  isImporterError,
  ROW_REJECTIONS,
} from '@product-importer/core'
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
import {
  buildDeferredIndexes,
  deferSearchIndexes,
  LOAD_LOCK,
  vacuumLoaded,
} from './_deferred-indexes.js'
import { isSkuKeyViolation, isUnavailable, sqlState, storageFailed } from './_errors.js'
import { createSeenKeys } from './_seen-keys.js'

interface BatchRow {
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number[]
}

const MAX_ATTEMPTS = 8
const COPY_PIECE_ROWS = 500
/** First pause before connecting again after the server went away, doubled up to the next. */
const RECONNECT_FIRST_MS = 100
const RECONNECT_MAX_MS = 1000

/**
 * A product inserted meanwhile by another writer, and a deadlock the server broke, are resolved
 * by applying the batch again on fresh data.
 */
function isRetryable(error: unknown): boolean {
  const state = sqlState(error)
  return state === '40P01' || state === '40001' || isSkuKeyViolation(error)
}

/** Options of {@link openPgImportWriter}. */
export interface PgImportWriterOptions {
  dryRun: boolean
  /** How long a batch waits for a server that went away to answer again. */
  reconnectMs: number
}

/**
 * Opens the import writer: a connection of its own for the whole import, holding two session
 * tables. It is not taken from the pool, so that imports running at once never leave the pool
 * without connections for the job updates and queries they wait on. Each batch is COPYed into
 * `pi_stage` and applied by one statement in one transaction. A dry run classifies the rows the
 * same way and writes nothing but its own session table, so it holds no row locks.
 *
 * A connection lost to an outage (a restart, a failover: `DATABASE_UNAVAILABLE`) is replaced,
 * for up to `reconnectMs`, and the batch applied again on the new one: its transaction rolled
 * back with the old connection, and one whose COMMIT was cut off is looked up by its
 * transaction id, so no batch applies twice. The new session gets the keys earlier batches saw.
 */
export async function openPgImportWriter(
  pool: pg.Pool,
  { dryRun, reconnectMs }: PgImportWriterOptions,
): Promise<ImportWriter> {
  // A connection lost while idle between batches is remembered: the next batch reconnects.
  let broken: unknown
  let client!: pg.Client
  let closed = false
  let deferred = false
  const nextId = createUuidV7()
  const seen = createSeenKeys()

  /** A new session: its tables, the bulk-load lock when it held it, the keys seen so far. */
  async function open(first: boolean): Promise<void> {
    broken = undefined
    const current = await connectBeside(
      pool,
      (error) => {
        if (client === current) broken ??= error
      },
      // A server that vanished without closing the socket is noticed, not waited on forever.
      { keepAlive: true },
    )
    client = current
    try {
      await current.query(CREATE_WRITER_TABLES)
      if (first) {
        if (!dryRun) deferred = await deferSearchIndexes(current)
      } else {
        // The lock went with the old session; another import may hold it now and builds the
        // indexes it finds recorded when it ends.
        if (deferred) deferred = await relockLoad(current)
        await seen.restore(current)
      }
    } catch (error) {
      broken ??= error
      await current.end().catch(() => {})
      throw error
    }
  }

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
    await open(true)
  } catch (error) {
    closed = true
    throw storageFailed('opening the import writer', error)
  }

  /** A batch whose COMMIT was sent: its transaction id, and its counts should it have committed. */
  let committing: { xid: string; row: BatchRow } | undefined

  async function attempt(rows: ImportRow[]): Promise<BatchRow> {
    // The staging table has no statistics: without these the planner hashes the whole products
    // table for every batch instead of probing its sku_key index. JIT compilation would cost
    // more (about 18 ms a batch) than the statement it compiles saves.
    const begin =
      'begin; set local enable_hashjoin = off; set local enable_mergejoin = off; set local jit = off'
    // A real run also reads, in the same round trip, its transaction id (to learn whether a cut
    // off COMMIT took) and which endpoints take per-row events now.
    const begun = (await client.query(
      dryRun ? begin : `${begin}; select txid_current()::text as xid; ${PER_ROW_ENDPOINTS_SQL}`,
    )) as unknown as pg.QueryResult[]
    const xid = dryRun ? undefined : (begun.at(-2)!.rows[0] as { xid: string }).xid
    const receivers = dryRun
      ? undefined
      : toPerRowReceivers(begun.at(-1)!.rows as ReceivingEndpointRow[])
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
      if (xid) committing = { xid, row }
      await client.query('commit')
      committing = undefined
      return row
    } catch (error) {
      if (!broken && !isUnavailable(error)) await client.query('rollback').catch(() => {})
      throw error
    }
  }

  /**
   * Connects again until the server answers or `deadline` passes; then, for a batch whose
   * COMMIT was cut off, its counts when it did commit.
   */
  async function recover(deadline: number, cause: unknown): Promise<BatchRow | undefined> {
    await client.end().catch(() => {})
    let last = cause
    for (let pause = RECONNECT_FIRST_MS; ; pause = Math.min(pause * 2, RECONNECT_MAX_MS)) {
      if (Date.now() + pause > deadline) {
        throw storageFailed(
          'import batch',
          withMessage(
            cause,
            `${(cause as Error).message}; the server did not answer again within ${reconnectMs / 1000} s (${driverMessage(last)})`,
          ),
        )
      }
      await new Promise((resolve) => setTimeout(resolve, pause))
      try {
        await open(false)
        break
      } catch (error) {
        if (!isUnavailable(error)) throw storageFailed('import writer reconnect', error)
        last = error
      }
    }
    const doubt = committing
    committing = undefined
    if (!doubt) return undefined
    const { rows } = await client.query<{ status: string | null }>(
      'select txid_status($1::bigint) as status',
      [doubt.xid],
    )
    return rows[0]?.status === 'committed' ? doubt.row : undefined
  }

  const toResult = (row: BatchRow): BatchResult => ({
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    duplicates: row.duplicates,
    rejected: row.rejected.map((index) => ({ index, ...ROW_REJECTIONS.nameRequired })),
  })

  return {
    async write(rows: ImportRow[]): Promise<BatchResult> {
      if (closed) throw new ImporterError('STORAGE_FAILED', 'the import writer is closed')
      if (rows.length === 0) {
        return { created: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: [] }
      }
      let deadline: number | undefined
      for (let n = 1; ; n++) {
        let row: BatchRow | undefined
        try {
          if (broken) throw broken
          row = await attempt(rows)
        } catch (error) {
          if (broken || isUnavailable(error)) {
            // One window for the whole outage of this batch, however many times it drops.
            deadline ??= Date.now() + reconnectMs
            row = await recover(deadline, broken ?? error)
            if (!row) continue
          } else {
            if (!isRetryable(error) || n >= MAX_ATTEMPTS) {
              throw storageFailed('import batch', error)
            }
            // Back off a little so that the writer we collided with can commit.
            await new Promise((resolve) => setTimeout(resolve, n * 5 + Math.random() * 10 * n))
            continue
          }
        }
        seen.add(
          rows.map((r) => r.skuKey),
          row.rejected,
        )
        return toResult(row)
      }
    },
    close: release,
  }
}

/** What the driver said: the message of the error under our own wrapping of it. */
function driverMessage(error: unknown): string {
  const inner = isImporterError(error) ? error.cause : error
  return ((inner instanceof Error ? inner : error) as Error).message
}

/** `error` with another message, keeping its SQLSTATE and cause for the error's classifiers. */
function withMessage(error: unknown, message: string): Error {
  const copy = new Error(message, { cause: error })
  const code = (error as { code?: unknown })?.code
  if (code !== undefined) Object.assign(copy, { code })
  return copy
}

/** Takes the bulk-load lock again on a new session, unless another import took it meanwhile. */
async function relockLoad(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    `select pg_try_advisory_lock(${LOAD_LOCK}) as ok`,
  )
  return rows[0]?.ok === true
}
