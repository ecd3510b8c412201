import { randomBytes } from 'node:crypto'
import { createProductImporter, type ImportJob, isImporterError } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PG_URL } from './_pg.js'

/**
 * A role allowed this many connections: the pool's 2, the job listener's 1 and 2 imports fit;
 * 6 imports at once, each on a connection of its own, would not ("too many connections").
 */
const CONNECTION_LIMIT = 6

describe.skipIf(!PG_URL)('PostgreSQL connection limits', () => {
  const suffix = randomBytes(6).toString('hex')
  const role = `limited_${suffix}`
  const database = `limited_${suffix}`
  let admin: pg.Client
  let url: string

  beforeEach(async () => {
    admin = new pg.Client(PG_URL)
    await admin.connect()
    await admin.query(`create role ${role} login connection limit ${CONNECTION_LIMIT}`)
    await admin.query(`create database ${database} owner ${role}`)
    const u = new URL(PG_URL)
    u.pathname = `/${database}`
    u.username = role
    url = u.toString()
  })
  afterEach(async () => {
    await admin.query(`drop database ${database} with (force)`)
    await admin.query(`drop role ${role}`)
    await admin.end()
  })

  const csvOf = (prefix: string, rows: number) =>
    (async function* () {
      yield `sku,name,price\n${Array.from({ length: rows }, (_, i) => `${prefix}-${i},Item ${i},${i}.5`).join('\n')}\n`
    })()

  it('queues imports beyond maxConcurrentImports as pending, in order, and runs all within the connection limit', async () => {
    const storage = pgStorage({ connectionString: url, poolConfig: { max: 2 } })
    const importer = createProductImporter({ storage, maxConcurrentImports: 2 })
    await storage.migrate()
    const jobs: ImportJob[] = []
    for (let n = 0; n < 6; n++) {
      jobs.push(await importer.imports.start(csvOf(`F${n}`, 3000), { batchSize: 300 }))
    }
    const states = await Promise.all(jobs.map((job) => importer.imports.get(job.id)))
    // Two run; the other four wait their turn, each knowing its place.
    expect(states.slice(2).map((job) => [job?.status, job?.queuePosition])).toEqual([
      ['pending', 1],
      ['pending', 2],
      ['pending', 3],
      ['pending', 4],
    ])
    const finished: ImportJob[] = []
    for (const job of jobs) {
      for await (const state of importer.imports.watch(job.id)) {
        if (state.status !== 'pending' && state.status !== 'running') finished.push(state)
      }
    }
    expect(finished.map((job) => [job.status, job.created, job.error])).toEqual(
      jobs.map(() => ['completed', 3000, null]),
    )
    expect(await importer.products.count()).toBe(18_000)
    await importer.close()
  })

  it('lets an export wait for a free export connection, then fails it with BUSY, saying why', async () => {
    const storage = pgStorage({
      connectionString: url,
      exportConnections: 1,
      connectionWaitMs: 300,
    })
    const importer = createProductImporter({ storage })
    await importer.imports.run((await importer.imports.create()).id, csvOf('E', 2500))
    const first = storage.streamProducts({}, { chunkSize: 1000 })[Symbol.asyncIterator]()
    expect((await first.next()).value).toHaveLength(1000)

    const waited = storage.streamProducts({}, { chunkSize: 1000 })[Symbol.asyncIterator]()
    const failure = await waited.next().catch((error: unknown) => error)
    expect(isImporterError(failure, 'BUSY')).toBe(true)
    expect((failure as Error).message).toMatch(/after 0\.3 s: all 1 export connections/)

    // A waiting export gets the connection the first one gives back.
    const next = storage.streamProducts({}, { chunkSize: 1000 })[Symbol.asyncIterator]()
    const got = next.next()
    await first.return?.()
    expect((await got).value).toHaveLength(1000)
    await next.return?.()
    await importer.close()
  })

  it('lets an export wait for a server at its connection limit instead of failing with "too many clients"', async () => {
    const storage = pgStorage({
      connectionString: url,
      poolConfig: { max: 1 },
      connectionWaitMs: 500,
    })
    await storage.migrate()
    // The pool's connection is open; the rest of the role's allowance goes to other clients.
    expect(await storage.countProducts()).toBe(0)
    const others: pg.Client[] = []
    for (let n = 1; n < CONNECTION_LIMIT; n++) {
      const client = new pg.Client(url)
      await client.connect()
      others.push(client)
    }
    const full = await storage
      .streamProducts()
      [Symbol.asyncIterator]()
      .next()
      .catch((error: unknown) => error)
    expect(isImporterError(full, 'BUSY')).toBe(true)
    expect((full as Error).message).toMatch(/refused more clients/)

    // Once a client leaves, the waiting export connects.
    const waiting = storage.streamProducts()[Symbol.asyncIterator]().next()
    await others.pop()!.end()
    expect(await waiting).toMatchObject({ done: true })
    for (const client of others) await client.end()
    await storage.close()
  })
})
