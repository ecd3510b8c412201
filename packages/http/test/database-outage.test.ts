import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain JS module shared with bench/pg.mjs
import { startPostgres } from '../../../test/pg-server.mjs'
import { PG_URL } from '../../storage-pg/test/_pg.js'
import { type Json, jsonInit, startServer } from './_server.js'

/** Polls `check` until it holds (bounded). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('timed out')
}

describe.skipIf(!PG_URL)('the API while PostgreSQL is down', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, keeps /healthz, and serves again once it is back', async () => {
    let server = await startPostgres()
    const port: number = server.port
    try {
      const t = await startServer({}, { storage: pgStorage({ connectionString: server.url }) })
      expect(
        (await t.api('/api/products/', jsonInit('POST', { sku: 'A-1', name: 'A' }))).status,
      ).toBe(201)
      const ready = await t.api('/readyz')
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 200,
        body: { status: 'ok' },
      })

      // A query the database refuses stays a storage failure, not an outage.
      const admin = new pg.Client(server.url)
      await admin.connect()
      await admin.query('alter table products rename to products_away')
      const broken = await t.api('/api/products/')
      expect(broken.status).toBe(500)
      expect(((await broken.json()) as Json).error.code).toBe('STORAGE_FAILED')
      expect(broken.headers.get('retry-after')).toBeNull()
      await admin.query('alter table products_away rename to products')
      await admin.end()

      await server.stop()
      const down = await t.api('/api/products/')
      expect(down.status).toBe(503)
      expect(down.headers.get('retry-after')).toBe('5')
      expect(((await down.json()) as Json).error).toEqual({
        code: 'DATABASE_UNAVAILABLE',
        message: 'The database cannot be reached; try again later',
        details: null,
      })
      const write = await t.api('/api/products/', jsonInit('POST', { sku: 'B-1', name: 'B' }))
      expect({ status: write.status, code: ((await write.json()) as Json).error.code }).toEqual({
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
      })
      expect((await t.api('/healthz')).status).toBe(200)
      const notReady = await t.api('/readyz')
      expect(notReady.headers.get('retry-after')).toBe('5')
      expect({ status: notReady.status, body: await notReady.json() }).toEqual({
        status: 503,
        body: { status: 'unavailable' },
      })

      // Back on the same port (an empty database, as after a failover to a fresh replica).
      server = await startPostgres({ port })
      await until(async () => (await t.api('/readyz')).status === 200)
      await t.importer.storage.migrate()
      const back = await t.api('/api/products/')
      expect(back.status).toBe(200)
    } finally {
      await server.stop()
    }
  })
})
