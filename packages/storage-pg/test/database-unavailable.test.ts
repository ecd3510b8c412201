import { isImporterError } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain JS module shared with bench/pg.mjs
import { freePort, startPostgres } from '../../../test/pg-server.mjs'
import { PG_URL, waitFor } from './_pg.js'

/** The error `promise` rejects with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error) => error,
  )

describe.skipIf(!PG_URL)('a database that cannot be reached', () => {
  it('is DATABASE_UNAVAILABLE on every call while nothing listens, naming PostgreSQL', async () => {
    const port: number = await freePort()
    await using storage = pgStorage({ connectionString: `postgres://postgres@127.0.0.1:${port}/x` })
    for (const call of [
      () => storage.ping!(),
      () => storage.migrate(),
      () => storage.countProducts(),
      () => storage.listJobs(),
      () => storage.openImportWriter({ dryRun: false }),
    ]) {
      const error = await failure(call())
      expect(isImporterError(error, 'DATABASE_UNAVAILABLE')).toBe(true)
      expect((error as Error).message).toMatch(/^PostgreSQL .*ECONNREFUSED/)
    }
  })

  it('is DATABASE_UNAVAILABLE for a name that does not resolve', async () => {
    await using storage = pgStorage({
      connectionString: 'postgres://postgres@no-such-host.invalid:5432/x',
    })
    const error = await failure(storage.ping!())
    expect(isImporterError(error, 'DATABASE_UNAVAILABLE')).toBe(true)
  })

  it('turns a server that stops into DATABASE_UNAVAILABLE, a bad query into STORAGE_FAILED, and answers once it is back', async () => {
    let server = await startPostgres()
    const port: number = server.port
    try {
      await using storage = pgStorage({ connectionString: server.url })
      await storage.migrate()
      await storage.ping!()
      // A query the database refuses is not an outage.
      const admin = new pg.Client(server.url)
      await admin.connect()
      await admin.query('alter table products rename to products_away')
      // A page reads the table (the plain total comes from the totals table).
      const broken = await failure(storage.listProducts({}))
      expect(isImporterError(broken, 'STORAGE_FAILED')).toBe(true)
      await admin.query('alter table products_away rename to products')
      await admin.end()

      await server.stop()
      const down = await failure(storage.countProducts())
      expect(isImporterError(down, 'DATABASE_UNAVAILABLE')).toBe(true)
      expect(isImporterError(await failure(storage.ping!()), 'DATABASE_UNAVAILABLE')).toBe(true)

      // A new server on the same port: the same storage (and its pool) answers again.
      server = await startPostgres({ port })
      await waitFor(async () => (await failure(storage.ping!())) === undefined)
      await storage.migrate()
      expect(await storage.countProducts()).toBe(0)
    } finally {
      await server.stop()
    }
  })
})
