import { statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { importRow, productRecord } from '@product-importer/adapter-tests'
import { importProducts } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { tempFile } from './temp-file.js'

const batch = (n: number, prefix = 'T') =>
  Array.from({ length: n }, (_, i) => importRow(`${prefix}-${i}`, { name: `Item ${i}` }))

/** Whether an immediate callback queued as the write starts runs before the write answers. */
async function loopFreeDuring(write: Promise<unknown>): Promise<boolean> {
  let ran = false
  setImmediate(() => {
    ran = true
  })
  await write
  return ran
}

describe('the SQLite import writer thread', () => {
  it('counts products created after a delete-all as created, though they get the deleted ones’ rowids', async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    expect(await writer.write(batch(1_000, 'A'))).toMatchObject({ created: 1_000, duplicates: 0 })
    // Another client empties the table between two batches: rowids 1 to 1,000 are free again.
    expect(await storage.deleteAllProducts()).toBe(1_000)
    expect(await writer.write(batch(1_000, 'B'))).toMatchObject({ created: 1_000, duplicates: 0 })
    // A later batch repeating some of them still counts them as repeats.
    expect(await writer.write(batch(10, 'B'))).toMatchObject({
      created: 0,
      unchanged: 0,
      updated: 0,
      duplicates: 10,
    })
    await writer.close()
    expect(await storage.countProducts({})).toBe(1_000)
  })

  it('writes a batch while the event loop goes on, and says it works on a thread', async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    expect(writer.threaded).toBe(true)
    expect(await loopFreeDuring(writer.write(batch(5_000)))).toBe(true)
    await writer.close()
    expect(await storage.countProducts()).toBe(5_000)
  })

  it('carries every kind of text and every absent value across to the thread as given', async () => {
    const rows = [
      importRow('Ünï-1', { name: 'Ströme 🚲 ⁠自転車', description: '', priceCents: null }),
      importRow('EMOJI-👍', { name: 'e\u0301 combining', description: '"quoted", and\nbroken' }),
      importRow('PLAIN-1', { name: 'x'.repeat(5_000), quantity: 0, active: false }),
    ]
    const later = [
      importRow('Ünï-1', { priceCents: 1999 }),
      importRow('EMOJI-👍', { description: 'Ω only' }),
      importRow('PLAIN-1', { name: 'short' }),
    ]
    const stored = []
    for (const importThread of [true, false]) {
      await using storage = sqliteStorage({ filename: await tempFile(), importThread })
      await storage.migrate()
      const writer = await storage.openImportWriter({ dryRun: false })
      expect(writer.threaded).toBe(importThread ? true : undefined)
      expect(await writer.write(rows)).toMatchObject({ created: 3, rejected: [] })
      // Repeats of SKUs this import wrote: counted as such, and the last row wins.
      expect(await writer.write(later)).toMatchObject({ duplicates: 3 })
      await writer.close()
      const page = await storage.listProducts({ sort: 'sku' })
      stored.push(page.items.map(({ id, createdAt, updatedAt, ...values }) => values))
    }
    expect(stored[0]).toEqual(stored[1])
    expect(stored[0]).toEqual([
      expect.objectContaining({
        sku: 'EMOJI-👍',
        name: 'e\u0301 combining',
        description: 'Ω only',
      }),
      expect.objectContaining({ sku: 'PLAIN-1', name: 'short', quantity: 0, active: false }),
      expect.objectContaining({
        sku: 'Ünï-1',
        name: 'Ströme 🚲 ⁠自転車',
        description: '',
        priceCents: 1999,
      }),
    ])
  })

  it('checkpoints the WAL beside the writer, so the file holds the batches as they commit', async () => {
    const filename = await tempFile()
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const text = 'A description long enough to fill pages quickly. '.repeat(8)
    for (let b = 0; b < 4; b++) {
      await writer.write(
        Array.from({ length: 5_000 }, (_, i) =>
          importRow(`WAL-${b}-${i}`, { name: `Item ${i}`, description: text }),
        ),
      )
    }
    // 20,000 rows of about 450 bytes: 11 MB of pages, far under the 40 MB at which the writer
    // checkpoints by itself. The database file takes them in while the writer is still open.
    let size = 0
    for (let turn = 0; turn < 100 && size < 8 * 2 ** 20; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      size = statSync(filename).size
    }
    expect(size).toBeGreaterThan(8 * 2 ** 20)
    await writer.close()
    expect(await storage.countProducts()).toBe(20_000)
  })

  it('stays on the connection with importThread: false, or for a database in memory', async () => {
    for (const storage of [
      sqliteStorage({ filename: await tempFile(), importThread: false }),
      sqliteStorage({ filename: ':memory:' }),
    ]) {
      await storage.migrate()
      const writer = await storage.openImportWriter({ dryRun: false })
      expect(writer.threaded).toBeFalsy()
      // The write runs in the call: it has answered before any callback of the loop runs.
      expect(await loopFreeDuring(writer.write(batch(2_000)))).toBe(false)
      await writer.close()
      expect(await storage.countProducts()).toBe(2_000)
      await storage.close()
    }
  })

  it('writes into a database the caller opened, through a connection of its own', async () => {
    const filename = await tempFile()
    const database = new Database(filename)
    database.pragma('journal_mode = WAL')
    const storage = sqliteStorage({ database })
    await storage.migrate()
    const summary = await importProducts(
      (async function* () {
        yield 'sku,name\nA-1,First\nA-2,Second\n'
      })(),
      { storage },
    ).result()
    expect(summary).toMatchObject({ status: 'completed', created: 2 })
    expect(database.prepare('SELECT count(*) FROM products').pluck().get()).toBe(2)
    await storage.close()
    // The caller's connection stays open.
    expect(database.open).toBe(true)
    database.close()
  })

  it("lets the application's connection write between and during batches", async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write(batch(1_000, 'A'))
    const during = writer.write(batch(5_000, 'B'))
    const product = productRecord({ sku: 'API-1' })
    await storage.insertProduct(product)
    expect(await during).toMatchObject({ created: 5_000 })
    // The writer sees what the application wrote: the SKU is taken, so the row updates it.
    expect(await writer.write([importRow('api-1', { name: 'Renamed' })])).toMatchObject({
      created: 0,
      updated: 1,
    })
    await writer.close()
    expect((await storage.getProduct(product.id))?.name).toBe('Renamed')
    expect(await storage.countProducts()).toBe(6_001)
  })

  it('makes a write of the application during a batch wait without holding the event loop', async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const writing = writer.write(batch(20_000))
    await new Promise((resolve) => setImmediate(resolve)) // the batch is on the thread now
    // Waiting for SQLite's write lock would hold the loop until the batch commits; waiting
    // for the batch lets the loop run meanwhile.
    expect(await loopFreeDuring(storage.insertProduct(productRecord({ sku: 'API-2' })))).toBe(true)
    expect(await writing).toMatchObject({ created: 20_000 })
    await writer.close()
    expect(await storage.countProducts()).toBe(20_001)
  })

  it('keeps its batches whole: a failed batch leaves nothing and the writer goes on', async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    // NaN is a number to TypeScript, but no database stores it as a quantity.
    const failing = [...batch(999), importRow('BAD-1', { name: 'Bad', quantity: Number.NaN })]
    await expect(writer.write(failing)).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: expect.stringMatching(/NOT NULL/),
    })
    expect(await storage.countProducts()).toBe(0)
    // The rows of the failed batch count as new when they come again.
    expect(await writer.write(batch(999))).toMatchObject({ created: 999, duplicates: 0 })
    await writer.close()
  })

  it('stops with the storage when its import never closed it', async () => {
    const storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write(batch(10))
    await storage.close()
    await expect(writer.write(batch(10, 'U'))).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    await writer.close() // safe after the storage closed it
  })

  it('finishes the batch in hand when the storage closes during it', async () => {
    const storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const writing = writer.write(batch(5_000))
    await new Promise((resolve) => setImmediate(resolve)) // the batch is on the thread now
    await storage.close()
    expect(await writing).toMatchObject({ created: 5_000 })
    await expect(writer.write(batch(10, 'U'))).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
  })

  it('writes on the connection when the database is locked to it', async () => {
    const filename = await tempFile()
    const database = new Database(filename)
    database.pragma('journal_mode = WAL')
    database.pragma('locking_mode = EXCLUSIVE')
    const storage = sqliteStorage({ database })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    expect(writer.threaded).toBeFalsy()
    expect(await writer.write(batch(100))).toMatchObject({ created: 100 })
    await writer.close()
    await storage.close()
    database.close()
  })

  it('runs a dry run while another connection holds the write lock', async () => {
    const filename = await tempFile()
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    const other = new Database(filename)
    other.exec('BEGIN IMMEDIATE')
    try {
      const writer = await storage.openImportWriter({ dryRun: true })
      expect(writer.threaded).toBe(true)
      // A dry run writes its temporary tables only: it needs no lock on the database.
      expect(await writer.write(batch(500))).toMatchObject({ created: 500 })
      await writer.close()
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    expect(await storage.countProducts()).toBe(0)
  })

  it('imports a file with the parser on the calling thread, to the same result', async () => {
    const dir = join(await tempFile(), '..')
    const csv = join(dir, 'products.csv')
    const lines = Array.from({ length: 25_000 }, (_, i) => `S-${i % 20_000},Item ${i},${i}.50`)
    await writeFile(csv, `sku,name,price\n${lines.join('\n')}\n`)
    const run = async (importThread: boolean) => {
      await using storage = sqliteStorage({
        filename: join(dir, `${importThread}.db`),
        importThread,
      })
      await storage.migrate()
      const progress: number[] = []
      const summary = await importProducts(csv, {
        storage,
        batchSize: 5_000,
        onProgress: (p) => progress.push(p.rows),
      }).result()
      const page = await storage.listProducts({ sort: 'sku', pageSize: 3 })
      return {
        summary: { ...summary, durationMs: 0 },
        progress,
        skus: page.items.map((p) => [p.sku, p.name, p.priceCents]),
      }
    }
    const threaded = await run(true)
    expect(threaded.summary).toMatchObject({ created: 20_000, duplicatesInFile: 5_000 })
    // Every batch's progress, in order, then the end.
    expect(threaded.progress).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 25_000])
    expect(threaded).toEqual(await run(false))
  })

  it('asks for batches of 5,000 rows when the import sets no size, 10,000 on the connection', async () => {
    const dir = join(await tempFile(), '..')
    const csv = join(dir, 'products.csv')
    const lines = Array.from({ length: 12_000 }, (_, i) => `B-${i},Item ${i}`)
    await writeFile(csv, `sku,name\n${lines.join('\n')}\n`)
    const progress = async (importThread: boolean, batchSize?: number) => {
      await using storage = sqliteStorage({
        filename: join(dir, `${importThread}.db`),
        importThread,
      })
      await storage.migrate()
      const rows: number[] = []
      await importProducts(csv, {
        storage,
        batchSize,
        onProgress: (p) => rows.push(p.rows),
      }).result()
      return rows
    }
    expect(await progress(true)).toEqual([5_000, 10_000, 12_000, 12_000])
    expect(await progress(true, 8_000)).toEqual([8_000, 12_000, 12_000])
    expect(await progress(false)).toEqual([10_000, 12_000, 12_000])
  })
})
