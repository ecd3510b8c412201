import {
  type BatchResult,
  createUuidV7,
  ImporterError,
  type ImportWriter,
  ROW_REJECTIONS,
} from '@product-importer/core'
import type BetterSqlite3 from 'better-sqlite3'
import { DEFAULTS, readRows, type StoredValue, VALUE_SPECS, type WriterBatch } from './_batch.js'
import { createRowEvents, type RowEventSink } from './_row-events.js'
import { createWriterTables, STORED, type WriterTables } from './_writer-tables.js'

/** An import writer as its thread runs it: batches read by index, written synchronously. */
export interface BatchWriter {
  /** {@link ImportWriter.write}. */
  write(batch: WriterBatch): BatchResult
  /** {@link ImportWriter.close}. */
  close(): void
}

/**
 * The import hot path: raw prepared statements on the driver, one transaction per batch, and a
 * write only for rows that change something. It reads a batch by index, as it crossed to the
 * writer thread (see _batch.ts) or as rows.
 */
export function createImportWriter(database: BetterSqlite3.Database, dryRun: boolean): BatchWriter {
  const tables = createWriterTables(database, dryRun)
  // A dry run changes nothing, so it tells nobody.
  const rowEvents = dryRun ? undefined : createRowEvents(database)
  const newId = createUuidV7()
  // A real run takes the write lock at once: a batch reads before it writes, and another
  // connection that committed in between (the application's, beside a writer thread) would
  // make a deferred transaction fail on its first write instead of waiting. A dry run writes
  // its temporary tables alone and leaves the lock to others.
  const begin = database.prepare(dryRun ? 'BEGIN' : 'BEGIN IMMEDIATE')
  const commit = database.prepare('COMMIT')
  const rollback = database.prepare('ROLLBACK')
  let closed = false
  let expectNew = tables.insertTellsTaken

  return {
    write(batch) {
      if (closed) throw new ImporterError('STORAGE_FAILED', 'the import writer is closed')
      begin.run()
      try {
        const result = applyBatch(tables, newId, batch, rowEvents?.(), expectNew)
        // The next batch is likely to be like this one.
        expectNew = tables.insertTellsTaken && result.created > batch.keys.length / 2
        commit.run()
        tables.committed()
        return result
      } catch (error) {
        if (database.inTransaction) rollback.run()
        tables.rolledBack()
        throw error
      }
    },
    close() {
      if (closed) return
      closed = true
      if (database.open) tables.drop()
    },
  }
}

/** The in-thread writer as the storage contract's {@link ImportWriter}. */
export function inThreadWriter(database: BetterSqlite3.Database, dryRun: boolean): ImportWriter {
  const writer = createImportWriter(database, dryRun)
  return {
    write: async (rows) => writer.write(readRows(rows)),
    close: async () => writer.close(),
  }
}

const FIELDS_PER_ROW = VALUE_SPECS.length
const NAME = VALUE_SPECS.findIndex((spec) => spec.key === 'name')

function applyBatch(
  tables: WriterTables,
  newId: (at: number) => string,
  batch: WriterBatch,
  emit: RowEventSink | undefined,
  expectNew: boolean,
): BatchResult {
  const result: BatchResult = { created: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: [] }
  const at = Date.now()
  const { keys } = batch
  const values: StoredValue[] = new Array(FIELDS_PER_ROW)
  const { values: first, touched: number } = STORED
  for (const index of inKeyOrder(keys)) {
    const sku = batch.sku(index)
    const key = keys[index]!
    const givenName = batch.value(NAME, index)
    // While batches mostly create products, a new product is inserted without looking for it
    // first: a taken SKU key makes the insert do nothing, and the row is then an update.
    let stored = expectNew && givenName !== undefined ? undefined : tables.find(key)
    let outcome: 'created' | 'updated' | 'unchanged' = 'created'
    let touched: number | undefined
    if (stored === undefined) {
      if (givenName === undefined) {
        result.rejected.push({ index, ...ROW_REJECTIONS.nameRequired })
        continue
      }
      // The fields the row leaves out, one bit each: the insert may leave them to the table.
      let defaulted = 0
      for (let f = 0; f < FIELDS_PER_ROW; f++) {
        const given = batch.value(f, index)
        if (given === undefined) {
          values[f] = DEFAULTS[f]!
          defaulted |= 1 << f
        } else values[f] = given
      }
      const id = newId(at)
      touched = tables.insert(id, sku, key, values, at, defaulted)
      if (touched === undefined) stored = tables.find(key)!
      else emit?.add('product.created', id)
    }
    if (stored !== undefined) {
      touched = stored[number] as number
      // A field the row does not give keeps its stored value.
      let same = sku === stored[STORED.sku]
      for (let f = 0; f < FIELDS_PER_ROW; f++) {
        const given = batch.value(f, index)
        const before = stored[first + f]!
        if (given === undefined || given === before) values[f] = before
        else {
          values[f] = given
          same = false
        }
      }
      if (same) outcome = 'unchanged'
      else {
        tables.update(stored, key, sku, values, at)
        emit?.add('product.updated', stored[STORED.id])
        outcome = 'updated'
      }
    }
    // A SKU this writer already wrote counts once, as a duplicate, whatever the row did.
    if (tables.firstTouch(touched!)) result[outcome]++
    else result.duplicates++
  }
  emit?.flush(at)
  result.rejected.sort((a, b) => a.index - b.index)
  return result
}

/**
 * Indexes of the rows sorted by SKU key. Keys are unique within a batch, so the order does not
 * change the outcome, but visiting the key indexes in order touches each page once: a file in
 * random SKU order then imports as fast as a sorted one.
 */
function inKeyOrder(keys: readonly string[]): number[] {
  const order = Array.from(keys.keys())
  // Stable, so a key repeated against the contract still applies in batch order.
  return order.sort((a, b) => {
    const x = keys[a]!
    const y = keys[b]!
    return x < y ? -1 : x > y ? 1 : 0
  })
}
