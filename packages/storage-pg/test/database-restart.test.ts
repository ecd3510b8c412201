import { Readable } from 'node:stream'
import { createProductImporter, importProducts, isImporterError } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain JS module shared with bench/pg.mjs
import { startPostgres } from '../../../test/pg-server.mjs'
import { PG_URL } from './_pg.js'

/**
 * 30,000 rows of 20,000 SKUs: rows from 20,000 on repeat an earlier SKU (from another batch),
 * with a name that must win. Batches of 1,000, so a restart lands between and inside batches.
 */
const ROWS = 30_000
const SKUS = 20_000
const BATCH = 1000
const csv = `sku,name,quantity\n${Array.from({ length: ROWS }, (_, i) => `R-${i % SKUS},Row ${i},${i}`).join('\n')}\n`

/** The file as an upload would give it (a string source would be a path). */
const file = () => Readable.from([Buffer.from(csv)])

/** Resolves once `check` holds, checking every 20 ms for at most 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('timed out')
}

interface Server {
  url: string
  restart(options?: { downMs?: number }): Promise<number>
  stop(): Promise<void>
}

// A server of its own: restarting it must not cut off the other test files' connections.
describe.skipIf(!PG_URL)('an import across a PostgreSQL restart', () => {
  let server: Server
  beforeAll(async () => {
    server = await startPostgres()
  }, 30_000)
  afterAll(async () => {
    await server?.stop()
  })

  /** A fresh database on the server, and a client reading it beside the adapter. */
  async function database(name: string) {
    const admin = new pg.Client(server.url)
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = server.url.replace(/\/[^/]+$/, `/${name}`)
    return {
      url,
      /** Every product's name by SKU, read after the server is back. */
      async names() {
        const reader = new pg.Client(url)
        await reader.connect()
        const { rows } = await reader.query<{ sku: string; name: string }>(
          'select sku, name from products',
        )
        await reader.end()
        return new Map(rows.map((row) => [row.sku, row.name]))
      },
    }
  }

  /** Runs the import, restarting the server once `at` rows are in; resolves with the outcome. */
  async function importAcross(
    storage: ReturnType<typeof pgStorage>,
    at: number,
    downMs = 0,
  ): Promise<{ events: string[]; failure?: unknown; summary?: unknown }> {
    const events: string[] = []
    let restart: Promise<number> | undefined
    let failure: unknown
    let summary: unknown
    try {
      for await (const event of importProducts(file(), {
        storage,
        batchSize: BATCH,
        worker: false,
      })) {
        if (event.type === 'progress' && !restart && event.progress.rows >= at) {
          events.push(`restart at ${event.progress.rows}`)
          restart = server.restart({ downMs }).then((ms) => {
            events.push('back')
            return ms
          })
        }
        if (event.type === 'done') summary = event.summary
      }
    } catch (error) {
      failure = error
    }
    events.push(failure ? 'failed' : 'done')
    await restart
    return { events, failure, summary }
  }

  it('retries the batch in flight on a new connection and completes with exactly the file', async () => {
    const db = await database('across_restart')
    await using storage = pgStorage({ connectionString: db.url })
    await storage.migrate()
    const { events, failure, summary } = await importAcross(storage, 10_000)
    expect(failure).toBeUndefined()
    // The server went away and came back while the import ran, not after it.
    expect(events[0]).toMatch(/^restart at 1\d{4}$/)
    expect(events.slice(1)).toEqual(['back', 'done'])
    // Every row counted once: a batch applied twice would count its products unchanged.
    expect(summary).toMatchObject({
      status: 'completed',
      rows: ROWS,
      created: SKUS,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      duplicatesInFile: ROWS - SKUS,
    })
    const names = await db.names()
    expect(names.size).toBe(SKUS)
    // The last row of each SKU wins, across the restart.
    for (const i of [0, 9_999, 10_000, 19_999]) {
      expect(names.get(`R-${i}`)).toBe(`Row ${i + SKUS <= ROWS - 1 ? i + SKUS : i}`)
    }
  }, 60_000)

  it('fails with DATABASE_UNAVAILABLE and the driver message past its wait, keeping whole batches', async () => {
    const db = await database('past_wait')
    await using storage = pgStorage({ connectionString: db.url, reconnectWaitMs: 1000 })
    await storage.migrate()
    const { events, failure } = await importAcross(storage, 5_000, 3000)
    expect(events).toEqual([expect.stringMatching(/^restart at /), 'failed', 'back'])
    expect(isImporterError(failure, 'DATABASE_UNAVAILABLE')).toBe(true)
    expect((failure as Error).message).toMatch(
      /^PostgreSQL import batch failed: terminating connection due to administrator command; the server did not answer again within 1 s \(.+\)$/,
    )
    const stored = (await db.names()).size
    expect(stored % BATCH).toBe(0)
    expect(stored).toBeGreaterThanOrEqual(5_000)
  }, 60_000)

  it('ends a job failed with its cause once the database is back, not running', async () => {
    const db = await database('job_end')
    const storage = pgStorage({ connectionString: db.url, reconnectWaitMs: 1000 })
    const importer = createProductImporter({ storage, databaseWaitMs: 10_000 })
    try {
      const job = await importer.imports.create({ filename: 'p.csv' })
      let restart: Promise<number> | undefined
      const lines = csv.split('\n')
      // The first 5,000 rows, then the rest once the server is down: the next batch meets the
      // outage in the writer, which gives up after 1 s, while the server is away for 3 s.
      async function* source() {
        yield Buffer.from(`${lines.slice(0, 5_001).join('\n')}\n`)
        await until(async () => (await db.names().catch(() => new Map())).size === 5_000)
        restart = server.restart({ downMs: 3000 })
        await until(
          async () =>
            await db.names().then(
              () => false,
              () => true,
            ),
        )
        yield Buffer.from(lines.slice(5_001).join('\n'))
      }
      const summary = await importer.imports.run(job.id, source(), {
        batchSize: BATCH,
        worker: false,
      })
      expect(restart).toBeDefined()
      await restart
      expect(summary.status).toBe('failed')
      const stored = await importer.imports.get(job.id)
      expect(stored).toMatchObject({
        status: 'failed',
        error: { code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/terminating/) },
      })
      expect(stored!.rows % BATCH).toBe(0)
    } finally {
      await importer.close()
    }
  }, 60_000)

  /**
   * Runs a job over `importer` whose writer meets a 3 s outage after 5,000 rows, and resolves
   * with its summary once the server is back.
   */
  async function failAcross(
    importer: ReturnType<typeof createProductImporter>,
    db: Awaited<ReturnType<typeof database>>,
    jobId: string,
  ) {
    const lines = csv.split('\n')
    let restart: Promise<number> | undefined
    async function* source() {
      yield Buffer.from(`${lines.slice(0, 5_001).join('\n')}\n`)
      await until(async () => (await db.names().catch(() => new Map())).size === 5_000)
      restart = server.restart({ downMs: 3000 })
      await until(
        async () =>
          await db.names().then(
            () => false,
            () => true,
          ),
      )
      yield Buffer.from(lines.slice(5_001).join('\n'))
    }
    const summary = await importer.imports.run(jobId, source(), { batchSize: BATCH, worker: false })
    await restart
    return summary
  }

  it('writes the end of a job that could not be written once the database is back, from its heartbeat', async () => {
    const db = await database('end_later')
    const storage = pgStorage({ connectionString: db.url, reconnectWaitMs: 500 })
    // Too short a wait for the job's end: the heartbeat writes it once the server answers.
    const importer = createProductImporter({
      storage,
      databaseWaitMs: 500,
      heartbeatIntervalMs: 100,
    })
    try {
      const job = await importer.imports.create({ filename: 'p.csv' })
      const summary = await failAcross(importer, db, job.id)
      expect(summary.status).toBe('failed')
      await until(async () => (await importer.imports.get(job.id))?.status === 'failed')
      expect(await importer.imports.get(job.id)).toMatchObject({
        error: { code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/terminating/) },
      })
    } finally {
      await importer.close()
    }
  }, 60_000)

  it('cancel ends a job whose end waits for the database, with that end', async () => {
    const db = await database('cancel_stuck')
    const storage = pgStorage({ connectionString: db.url, reconnectWaitMs: 500 })
    const importer = createProductImporter({
      storage,
      databaseWaitMs: 500,
      heartbeatIntervalMs: 60_000,
    })
    try {
      const job = await importer.imports.create({ filename: 'p.csv' })
      await failAcross(importer, db, job.id)
      const stuck = await importer.imports.get(job.id)
      expect(stuck?.status).toBe('running')
      expect(await importer.imports.cancel(job.id)).toMatchObject({
        status: 'failed',
        error: { code: 'DATABASE_UNAVAILABLE' },
      })
    } finally {
      await importer.close()
    }
  }, 60_000)
})
