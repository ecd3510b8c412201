import { randomBytes } from 'node:crypto'
import { importProducts, isImporterError } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PG_URL, waitFor } from './_pg.js'

// Terminating backends needs a database of its own, so other test files keep their connections.
describe.skipIf(!PG_URL)('postgres connection loss', () => {
  let admin: pg.Client
  let database: string
  let url: string

  beforeEach(async () => {
    database = `loss_${randomBytes(6).toString('hex')}`
    admin = new pg.Client(PG_URL)
    await admin.connect()
    await admin.query(`create database ${database}`)
    const u = new URL(PG_URL)
    u.pathname = `/${database}`
    url = u.toString()
  })
  afterEach(async () => {
    await admin.query(`drop database ${database} with (force)`)
    await admin.end()
  })

  /** Terminates every connection to the test database, as a server restart would. */
  async function terminateAll(): Promise<number> {
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
      [database],
    )
    return rows.length
  }

  /** The CSV of rows `from` to `to`, a header first when `from` is 0. */
  const csv = (from: number, to: number) => {
    let text = from === 0 ? 'sku,name,quantity\n' : ''
    for (let i = from; i < to; i++) text += `L-${i},Lamp ${i},${i}\n`
    return text
  }

  it('fails the import with DATABASE_UNAVAILABLE past its reconnect wait, keeps committed batches, and recovers', async () => {
    // No wait: the connection is not replaced (see database-restart.test.ts for the wait).
    await using storage = pgStorage({ connectionString: url, reconnectWaitMs: 0 })
    await storage.migrate()
    const reader = new pg.Client(url)
    await reader.connect()
    const stored = async () =>
      Number((await reader.query('select count(*) from products')).rows[0].count)
    async function* source() {
      yield csv(0, 100)
      yield csv(100, 150)
      // The first batch of 100 is committed once the writer has it: then the connection dies.
      await waitFor(async () => (await stored()) === 100)
      await reader.end()
      expect(await terminateAll()).toBeGreaterThan(0)
      yield csv(150, 400)
    }

    let failure: unknown
    try {
      for await (const _ of importProducts(source(), { storage, batchSize: 100, worker: false })) {
      }
    } catch (error) {
      failure = error
    }
    // A connection the server ended is an outage to wait out, not a failed query.
    expect(isImporterError(failure, 'DATABASE_UNAVAILABLE')).toBe(true)
    expect((failure as Error).message).toMatch(/terminat/i)

    // The same storage (and its pool) serves the next requests, once the pool has noticed
    // which of its idle connections the server ended (it learns so asynchronously; on a busy
    // machine a query may still meet one of them first).
    await waitFor(async () => (await storage.countProducts().catch(() => -1)) === 100)
    expect(await storage.countProducts()).toBe(100)
    const writer = await storage.openImportWriter({ dryRun: false })
    expect(
      await writer.write([{ line: 2, sku: 'L-999', skuKey: 'l-999', name: 'Late' }]),
    ).toMatchObject({
      created: 1,
    })
    await writer.close()
    expect(await storage.countProducts()).toBe(101)
  })

  it('fails a batch cut off in the middle with DATABASE_UNAVAILABLE and writes none of it', async () => {
    await using storage = pgStorage({ connectionString: url, reconnectWaitMs: 0 })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      line: i + 2,
      sku: `M-${i}`,
      skuKey: `m-${i}`,
      name: `Mug ${i}`,
    }))
    expect(await writer.write(rows.slice(0, 10))).toMatchObject({ created: 10 })
    const pending = writer.write(rows.slice(10))
    await waitFor(async () => {
      const { rows: active } = await admin.query(
        // The batch's COPY or its statement: the only thing running in this database (the
        // first kilobyte of its text, all pg_stat_activity keeps, names no table).
        "select 1 from pg_stat_activity where datname = $1 and state = 'active'",
        [database],
      )
      return active.length > 0
    })
    await terminateAll()
    await expect(pending).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' })
    await writer.close()
    expect(await storage.countProducts()).toBe(10)
  })

  it('applies a batch cut off in the middle again on a new connection, once', async () => {
    await using storage = pgStorage({ connectionString: url })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      line: i + 2,
      sku: `M-${i}`,
      skuKey: `m-${i}`,
      name: `Mug ${i}`,
    }))
    expect(await writer.write(rows.slice(0, 10))).toMatchObject({ created: 10 })
    const pending = writer.write(rows.slice(10))
    await waitFor(async () => {
      const { rows: active } = await admin.query(
        "select 1 from pg_stat_activity where datname = $1 and state = 'active'",
        [database],
      )
      return active.length > 0
    })
    expect(await terminateAll()).toBeGreaterThan(0)
    // Created once, on the new connection; a key of the first batch still counts as repeated.
    expect(await pending).toMatchObject({ created: 49_990, updated: 0, unchanged: 0 })
    expect(await writer.write(rows.slice(0, 1))).toMatchObject({ duplicates: 1 })
    await writer.close()
    expect(await storage.countProducts()).toBe(50_000)
  })
})
