import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { type Json, tempDir } from '../../http/test/_server.js'
import { type Serving, serve as serveCli } from './_cli.js'

// A bulk change is written in chunks of 5,000 products (BULK_CHUNK in core), each in one
// transaction with its events.
const CHUNK = 5000

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

/** `serve` on SQLite whose webhooks may target 127.0.0.1; killed at the test's end. */
async function serve(db: string): Promise<Serving> {
  const serving = await serveCli(['--db', db, '--allow-webhook-host', '127.0.0.1'])
  children.push(serving.child)
  return serving
}

async function waitFor<T>(ready: () => T | false | Promise<T | false>, what: string): Promise<T> {
  const until = Date.now() + 30_000
  for (;;) {
    const value = await ready()
    if (value !== false) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const send = (origin: string, method: string, path: string, body?: unknown) =>
  fetch(origin + path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })

function catalog(prefix: string, rows: number, category: string): string {
  let text = 'sku,name,category\n'
  for (let i = 0; i < rows; i++) text += `${prefix}-${i},Product ${prefix} ${i},${category}\n`
  return text
}

/** Starts a raw upload; resolves with the job id once its job exists, and the upload's answer. */
async function startUpload(origin: string, csv: string) {
  const known = new Set(
    ((await (await send(origin, 'GET', '/api/import/jobs/')).json()) as Json).items.map(
      (job: Json) => job.job_id,
    ),
  )
  const answer = fetch(`${origin}/api/import/`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  })
  const jobId = await waitFor(async () => {
    const { items } = (await (await send(origin, 'GET', '/api/import/jobs/')).json()) as Json
    const job = items.find((job: Json) => !known.has(job.job_id))
    return job ? (job.job_id as string) : false
  }, 'the upload to start its job')
  return { jobId, answer }
}

async function finishedJob(origin: string, jobId: string): Promise<Json> {
  return waitFor(async () => {
    const job = (await (await send(origin, 'GET', `/api/import/progress/${jobId}/`)).json()) as Json
    return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : false
  }, 'the import to end')
}

async function importAll(origin: string, csv: string): Promise<void> {
  const { jobId, answer } = await startUpload(origin, csv)
  expect((await answer).status).toBe(202)
  expect((await finishedJob(origin, jobId)).status).toBe('completed')
}

/** An endpoint for product.updated that never answers (nothing listens there). */
async function addEndpoint(origin: string): Promise<void> {
  const res = await send(origin, 'POST', '/api/webhooks/', {
    url: 'http://127.0.0.1:9/hook',
    event_types: ['product.updated'],
  })
  expect(res.status).toBe(201)
}

/** Read straight from the file, beside the server's own connections. */
function readDatabase(db: string) {
  const database = new BetterSqlite3(db)
  const count = (sql: string) => (database.prepare(sql).get() as { n: number }).n
  return {
    inactive: (category: string) =>
      count(`SELECT count(*) AS n FROM products WHERE active = 0 AND category = '${category}'`),
    /** product.updated deliveries, and how many products they name. */
    updatedEvents: () => ({
      events: count(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE event_type = 'product.updated'",
      ),
      products: count(
        `SELECT count(DISTINCT json_extract(payload, '$.data.id')) AS n FROM webhook_deliveries
          WHERE event_type = 'product.updated'`,
      ),
    }),
    close: () => database.close(),
  }
}

describe('serve: a bulk change while an import runs (SQLite)', () => {
  it('answers a create sent during a chunked bulk change before the change, which changes exactly the products it counted', async () => {
    const db = join(tempDir(), 'shop.db')
    const s = await serve(db)
    await addEndpoint(s.origin)
    await importAll(s.origin, catalog('SEED', 8 * CHUNK, 'seed'))
    const reader = readDatabase(db)
    try {
      const running = await startUpload(s.origin, catalog('NEW', 150_000, 'other'))
      await waitFor(async () => {
        const path = `/api/import/progress/${running.jobId}/`
        const job = (await (await send(s.origin, 'GET', path)).json()) as Json
        return job.created > 0 || false
      }, 'the import to commit a batch')
      const page = (await (
        await send(s.origin, 'GET', '/api/products/?category=seed&page_size=1')
      ).json()) as Json
      expect(page.total).toBe(8 * CHUNK)

      const finished: string[] = []
      const bulk = send(s.origin, 'POST', '/api/products/bulk/', {
        action: 'deactivate',
        filter: { category: 'seed' },
        expect: page.total,
        as_of: page.as_of,
      }).then(async (res) => {
        finished.push('bulk')
        return { status: res.status, body: (await res.json()) as Json }
      })
      // Sent once the change has committed a chunk, so it is sent during the change.
      await waitFor(() => reader.inactive('seed') > 0, 'the first chunk')
      const create = send(s.origin, 'POST', '/api/products/', {
        sku: 'DURING-1',
        name: 'Created during the change',
        category: 'seed',
      }).then((res) => {
        finished.push('create')
        return res.status
      })

      expect(await create).toBe(201)
      expect(await bulk).toEqual({ status: 200, body: { changed: 8 * CHUNK, not_found: [] } })
      expect(finished).toEqual(['create', 'bulk'])

      expect((await running.answer).status).toBe(202)
      const job = await finishedJob(s.origin, running.jobId)
      expect(job).toMatchObject({ status: 'completed', rows: 150_000, created: 150_000 })
      // Exactly the counted products: not the one created since, none of the import's.
      expect(reader.inactive('seed')).toBe(8 * CHUNK)
      expect(reader.inactive('other')).toBe(0)
      const during = (await (
        await send(s.origin, 'GET', '/api/products/?sku=DURING-1')
      ).json()) as Json
      expect(during.items).toMatchObject([{ sku: 'DURING-1', active: true }])
      // Each change wrote its event in its transaction: one a product, none twice.
      expect(reader.updatedEvents()).toEqual({ events: 8 * CHUNK, products: 8 * CHUNK })
    } finally {
      reader.close()
    }
  }, 120_000)

  it('leaves out a product created after a bulk change by filter began, without as_of', async () => {
    const db = join(tempDir(), 'shop.db')
    const s = await serve(db)
    const total = 8 * CHUNK
    await importAll(s.origin, catalog('SEED', total, 'seed'))
    const reader = readDatabase(db)
    try {
      const bulk = send(s.origin, 'POST', '/api/products/bulk/', {
        action: 'deactivate',
        filter: { category: 'seed' },
      })
      await waitFor(() => reader.inactive('seed') > 0, 'the first chunk')
      // Created while chunks remain: the newest product, the last one the walk would reach.
      const res = await send(s.origin, 'POST', '/api/products/', {
        sku: 'LATE-1',
        name: 'Created during the change',
        category: 'seed',
      })
      expect(res.status).toBe(201)
      expect(await (await bulk).json()).toEqual({ changed: total, not_found: [] })
      expect(reader.inactive('seed')).toBe(total)
      const late = (await (await send(s.origin, 'GET', '/api/products/?sku=LATE-1')).json()) as Json
      expect(late.items).toMatchObject([{ sku: 'LATE-1', active: true }])
    } finally {
      reader.close()
    }
  }, 120_000)

  it('leaves whole chunks, each with its events, when killed during a bulk change, and the same request sent again finishes it once', async () => {
    const db = join(tempDir(), 'shop.db')
    const first = await serve(db)
    await addEndpoint(first.origin)
    const total = 10 * CHUNK
    await importAll(first.origin, catalog('P', total, 'seed'))
    const reader = readDatabase(db)
    try {
      const change = { action: 'deactivate', all: true }
      const cut = send(first.origin, 'POST', '/api/products/bulk/', change).catch(
        (error: Error) => error,
      )
      await waitFor(() => reader.inactive('seed') > 0, 'the first chunk')
      first.child.kill('SIGKILL')
      await once(first.child, 'exit')
      // The client of the cut request sees its connection end, never an answer.
      expect(await cut).toBeInstanceOf(Error)

      const done = reader.inactive('seed')
      expect(done % CHUNK).toBe(0)
      expect(done).toBeLessThan(total)
      expect(reader.updatedEvents()).toEqual({ events: done, products: done })

      const second = await serve(db)
      const res = await send(second.origin, 'POST', '/api/products/bulk/', change)
      expect(await res.json()).toEqual({ changed: total - done, not_found: [] })
      expect(reader.inactive('seed')).toBe(total)
      expect(reader.updatedEvents()).toEqual({ events: total, products: total })
    } finally {
      reader.close()
    }
  }, 120_000)
})
