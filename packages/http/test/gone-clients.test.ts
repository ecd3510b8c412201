import { productRecord } from '@product-importer/adapter-tests'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createSchema, PG_URL, waitFor } from '../../storage-pg/test/_pg.js'
import { startServer } from './_server.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * A server over PostgreSQL in a schema of its own, and a second session holding `products`
 * locked: every query that reads the table waits on the lock, as a slow search would run, for
 * as long as the test keeps it.
 */
async function lockedServer(searchLimit?: { concurrent: number; waiting: number }) {
  const schema = await createSchema()
  const storage = pgStorage({ connectionString: schema.url })
  const t = await startServer({}, { storage, ...(searchLimit ? { searchLimit } : {}) })
  await t.importer.products.list({})
  await storage.insertProduct(productRecord({ name: 'Desk lamp' }))
  const locker = new pg.Client(schema.url)
  await locker.connect()
  // Outside the locker's transaction, which would see pg_stat_activity as at its first read.
  const watcher = new pg.Client(schema.url)
  await watcher.connect()
  await locker.query('begin')
  await locker.query('lock table products in access exclusive mode')
  let locked = true
  const unlock = async () => {
    if (!locked) return
    locked = false
    await locker.query('commit')
  }
  cleanups.push(async () => {
    await unlock()
    await locker.end()
    await watcher.end()
    await schema.drop()
  })
  /** Queries of the server's sessions waiting on the lock, as pg_stat_activity shows them. */
  const waiting = async () => {
    const { rows } = await watcher.query(
      `select count(*)::int as n from pg_stat_activity
        where state = 'active' and wait_event_type = 'Lock' and query ilike '%from "products"%'
          and pid <> pg_backend_pid()`,
    )
    return rows[0].n as number
  }
  return { t, unlock, waiting }
}

describe.skipIf(!PG_URL)('requests whose client has gone (PostgreSQL)', () => {
  it('cancels the query of a search whose client disconnects', async () => {
    const { t, unlock, waiting } = await lockedServer()
    const client = new AbortController()
    const request = t.api('/api/products/?q=lamp', { signal: client.signal }).catch((e) => e)
    await waitFor(async () => (await waiting()) > 0)
    client.abort()
    expect(await request).toMatchObject({ name: 'AbortError' })
    // Gone from the server while the lock is still held: the query was cancelled, not finished.
    await waitFor(async () => (await waiting()) === 0)
    await unlock()
    const after = await t.api('/api/products/?sku=desk')
    expect(after.status).toBe(200)
  })

  it('answers 503 with Retry-After past the searches of one kind it runs and queues', async () => {
    const { t, unlock, waiting } = await lockedServer({ concurrent: 1, waiting: 1 })
    const admitted = [t.api('/api/products/?q=lamp'), t.api('/api/products/?q=desk')]
    await waitFor(async () => (await waiting()) > 0)
    const refused = await t.api('/api/products/?q=oak')
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('BUSY')
    // Another kind of search has places of its own: it reaches the database beside them.
    const byName = t.api('/api/products/?name=lamp')
    await waitFor(async () => (await waiting()) >= 2)
    await unlock()
    const answers = await Promise.all([...admitted, byName])
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200])
    const lamps = (await answers[0]!.json()) as { total: number }
    expect(lamps.total).toBe(1)
  })
})
