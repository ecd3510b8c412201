import { randomBytes } from 'node:crypto'
import { jobRecord, productRecord } from '@product-importer/adapter-tests'
import { createProductImporter } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSchema, inSchema, PG_URL, waitFor } from './_pg.js'

const product = (sku: string, name = sku) => {
  const at = new Date()
  return productRecord({ sku, name, description: '', quantity: 1, createdAt: at, updatedAt: at })
}

const job = () => {
  const at = new Date()
  return jobRecord({
    status: 'running',
    phase: 'importing',
    bytesTotal: 1000,
    createdAt: at,
    startedAt: at,
    updatedAt: at,
    filename: 'products.csv',
  })
}

describe.skipIf(!PG_URL)('postgres storage', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>
  beforeEach(async () => {
    schema = await createSchema()
  })
  afterEach(() => schema.drop())

  it('exports only the storage factory at run time', async () => {
    expect(Object.keys(await import('@product-importer/storage-pg')).sort()).toEqual(['pgStorage'])
  })

  it('says it is postgres and safe for several app instances', () => {
    const storage = pgStorage({ connectionString: schema.url })
    expect(storage.dialect).toBe('postgres')
    expect(storage.capabilities).toEqual({ multiInstance: true })
  })

  it('lets two instances on one database see each other’s jobs, progress and products', async () => {
    await using one = pgStorage({ connectionString: schema.url })
    await using two = pgStorage({ connectionString: schema.url })
    await Promise.all([one.migrate(), two.migrate()])
    const started = job()
    await one.createJob(started)
    expect(await two.getJob(started.id)).toMatchObject({ status: 'running', rows: 0 })
    await one.updateJob(started.id, { rows: 5000, created: 4000, bytesRead: 500 })
    expect(await two.getJob(started.id)).toMatchObject({
      rows: 5000,
      created: 4000,
      bytesRead: 500,
    })
    await two.updateJob(started.id, { cancelRequested: true })
    expect(await one.getJob(started.id)).toMatchObject({ cancelRequested: true })

    const writer = await one.openImportWriter({ dryRun: false })
    await writer.write([{ line: 2, sku: 'P-1', skuKey: 'p-1', name: 'Pen' }])
    await writer.close()
    expect(await two.getProductBySkuKey('p-1')).toMatchObject({ sku: 'P-1', name: 'Pen' })
    expect((await two.listJobs()).map((j) => j.id)).toEqual([started.id])
  })

  it('runs more imports at once than the pool has connections, and still answers queries', async () => {
    await using storage = pgStorage({ connectionString: schema.url, poolConfig: { max: 2 } })
    const importer = createProductImporter({ storage })
    const csv = async function* (prefix: string) {
      let text = 'sku,name\n'
      for (let i = 0; i < 25_000; i++) text += `${prefix}-${i},Lamp ${i}\n`
      yield text
    }
    const jobs = await Promise.all(['A', 'B', 'C'].map((p) => importer.imports.start(csv(p))))
    const page = await importer.products.list({ pageSize: 5 })
    expect(page.items.length).toBeLessThanOrEqual(5)
    for (const job of jobs) {
      let last: string | undefined
      for await (const state of importer.imports.watch(job.id, { intervalMs: 50 })) {
        last = state.status
      }
      expect(last).toBe('completed')
    }
    expect(await storage.countProducts()).toBe(75_000)
  })

  describe('job announcements', () => {
    /** The schema's URL with an application_name that finds this test's connections. */
    const tagged = (tag: string) => {
      const u = new URL(schema.url)
      u.searchParams.set('application_name', tag)
      return u.toString()
    }
    const listeners = async (tag: string) =>
      (
        await schema.raw(
          "select pid from pg_stat_activity where application_name = ? and query ilike 'listen %'",
          [tag],
        )
      ).map((r) => r.pid as number)

    it('wakes a watcher on another instance as soon as a job is written', async () => {
      const tag = `${schema.name}_watch`
      await using one = pgStorage({ connectionString: schema.url })
      await using two = pgStorage({ connectionString: tagged(tag) })
      await one.migrate()
      const started = job()
      await one.createJob(started)
      const importer = createProductImporter({ storage: two })
      // Polling alone would read the job again only after ten minutes.
      const watch = importer.imports.watch(started.id, { intervalMs: 600_000 })
      const next = watch[Symbol.asyncIterator]()
      expect((await next.next()).value).toMatchObject({ status: 'running', rows: 0 })
      await waitFor(async () => (await listeners(tag)).length === 1)

      await one.updateJob(started.id, { rows: 10_000, created: 9000 })
      expect((await next.next()).value).toMatchObject({ rows: 10_000, created: 9000 })
      await one.updateJob(started.id, {
        status: 'completed',
        phase: 'done',
        finishedAt: new Date(),
      })
      expect((await next.next()).value).toMatchObject({ status: 'completed' })
      expect((await next.next()).done).toBe(true)
    })

    it('leaves the pool to queries: a one-connection pool imports while a watcher listens', async () => {
      const tag = `${schema.name}_small`
      await using storage = pgStorage({
        connectionString: tagged(tag),
        poolConfig: { max: 1 },
      })
      const importer = createProductImporter({ storage })
      const csv = async function* () {
        yield 'sku,name\nA-1,Lamp\nA-2,Desk\n'
      }
      const job = await importer.imports.start(csv())
      const states: string[] = []
      for await (const state of importer.imports.watch(job.id, { intervalMs: 50 })) {
        states.push(state.status)
      }
      expect(states.at(-1)).toBe('completed')
      expect(await storage.countProducts()).toBe(2)
    })

    it('listens again after losing its connection, and stops listening on close', async () => {
      const tag = `${schema.name}_loss`
      await using one = pgStorage({ connectionString: schema.url })
      const two = pgStorage({ connectionString: tagged(tag) })
      await one.migrate()
      const heard: (string | undefined)[] = []
      const unsubscribe = two.onJobChange?.((id) => heard.push(id))
      await waitFor(async () => (await listeners(tag)).length === 1)
      const [lost] = await listeners(tag)
      await schema.raw('select pg_terminate_backend(?)', [lost])
      await waitFor(async () => {
        const now = await listeners(tag)
        return now.length === 1 && now[0] !== lost
      })
      // Listening started twice, each time telling watchers to read again what they missed.
      await waitFor(() => heard.filter((id) => id === undefined).length === 2)

      const created = job()
      await one.createJob(created)
      await waitFor(() => heard.includes(created.id))
      await one.updateJob(created.id, { rows: 1 })
      await waitFor(() => heard.filter((id) => id === created.id).length === 2)

      unsubscribe?.()
      await two.close()
      await waitFor(async () => (await listeners(tag)).length === 0)
    })
  })

  it('reports a SKU key taken by another product as SKU_TAKEN', async () => {
    await using storage = pgStorage({ connectionString: schema.url })
    await storage.migrate()
    const first = await storage.insertProduct(product('K-1'))
    await expect(storage.insertProduct(product('k-1'))).rejects.toMatchObject({ code: 'SKU_TAKEN' })
    const other = await storage.insertProduct(product('K-2'))
    await expect(
      storage.updateProduct(other.id, { sku: 'k-1', skuKey: 'k-1', updatedAt: new Date() }),
    ).rejects.toMatchObject({ code: 'SKU_TAKEN' })
    expect((await storage.getProduct(first.id))?.sku).toBe('K-1')
  })

  it('streams over a cursor beside the pool, and closes it when the reader stops early', async () => {
    const tag = `${schema.name}_export`
    const u = new URL(schema.url)
    u.searchParams.set('application_name', tag)
    const pool = new pg.Pool({ connectionString: u.toString(), max: 3 })
    const cursors = async () =>
      (
        await schema.raw(
          'select pid from pg_stat_activity where application_name = ? and query ilike \'select%from "products"%\'',
          [tag],
        )
      ).length
    const storage = pgStorage({ pool })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      line: i + 2,
      sku: `S-${i}`,
      skuKey: `s-${i}`,
      name: `Item ${i}`,
    }))
    await writer.write(rows)
    await writer.close()

    const sizes: number[] = []
    for await (const chunk of storage.streamProducts({}, { chunkSize: 1000 }))
      sizes.push(chunk.length)
    expect(sizes).toEqual([1000, 1000, 500])

    for await (const chunk of storage.streamProducts({ name: 'item' }, { chunkSize: 100 })) {
      expect(chunk).toHaveLength(100)
      // A slow reader holds a connection of its own; the pool's stay free for requests.
      expect(pool.totalCount - pool.idleCount).toBe(0)
      expect(await cursors()).toBe(1)
      break
    }
    await waitFor(async () => (await cursors()) === 0)
    expect(await storage.countProducts()).toBe(2500)

    // A pool passed in stays open after close().
    await storage.close()
    expect((await pool.query('select count(*)::int as n from products')).rows[0].n).toBe(2500)
    await pool.end()
  })

  it("sets up its own connections as the pool would: the pool's connect hook applies", async () => {
    // No search_path in the URL: the application's pool sets it on every new connection.
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
    pool.on('connect', (client) => {
      client.query(`set search_path to ${schema.name}, public`)
    })
    await using storage = pgStorage({ pool })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write([{ line: 2, sku: 'H-1', skuKey: 'h-1', name: 'Hook' }])
    await writer.close()
    const exported: string[] = []
    for await (const chunk of storage.streamProducts()) exported.push(...chunk.map((p) => p.sku))
    expect(exported).toEqual(['H-1'])
    expect(await schema.raw('select sku from products')).toEqual([{ sku: 'H-1' }])
    await storage.close()
    await pool.end()
  })

  it('fails an export whose connection is cut off instead of waiting forever', async () => {
    const tag = `${schema.name}_cut`
    const u = new URL(schema.url)
    u.searchParams.set('application_name', tag)
    await using storage = pgStorage({ connectionString: u.toString() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write(
      Array.from({ length: 300 }, (_, i) => ({
        line: i + 2,
        sku: `C-${i}`,
        skuKey: `c-${i}`,
        name: `Cup ${i}`,
      })),
    )
    await writer.close()
    const read = async () => {
      for await (const chunk of storage.streamProducts({}, { chunkSize: 100 })) {
        expect(chunk).toHaveLength(100)
        await schema.raw(
          // The export's own connection only: idle pooled ones ran selects too.
          'select pg_terminate_backend(pid) from pg_stat_activity where application_name = ? and query ilike \'select * from "products"%\'',
          [tag],
        )
      }
    }
    await expect(read()).rejects.toThrow()
    expect(await storage.countProducts()).toBe(300)
  })

  it('closes the pool it created: later calls fail', async () => {
    const storage = pgStorage({ connectionString: schema.url })
    await storage.migrate()
    await storage[Symbol.asyncDispose]()
    await storage.close()
    await expect(storage.countProducts()).rejects.toThrow()
  })

  it('indexes name and SKU substrings with pg_trgm, and the other columns asked for', async () => {
    const trigramIndexes = async () =>
      (
        await schema.raw(
          "select indexname from pg_indexes where schemaname = ? and indexdef like '%trgm_ops%' order by 1",
          [schema.name],
        )
      ).map((i) => i.indexname)
    await using storage = pgStorage({ connectionString: schema.url })
    await storage.migrate()
    expect(await trigramIndexes()).toEqual(['products_name_trgm_idx', 'products_sku_key_trgm_idx'])
    await using more = pgStorage({
      connectionString: schema.url,
      searchIndexes: ['description', 'name'],
    })
    await more.migrate()
    expect(await trigramIndexes()).toEqual([
      'products_description_trgm_idx',
      'products_name_trgm_idx',
      'products_sku_key_trgm_idx',
    ])
    // Every column of the `q` filter: a GIN name index joins the GiST one for its bitmaps.
    await using all = pgStorage({
      connectionString: schema.url,
      searchIndexes: ['description', 'name', 'sku'],
    })
    await all.migrate()
    expect(await trigramIndexes()).toEqual([
      'products_description_trgm_idx',
      'products_name_gin_trgm_idx',
      'products_name_trgm_idx',
      'products_sku_key_trgm_idx',
    ])
  })
})

describe.skipIf(!PG_URL)('postgres storage without pg_trgm', () => {
  const suffix = randomBytes(6).toString('hex')
  const role = `plain_${suffix}`
  const database = `plain_${suffix}`
  let admin: pg.Client

  beforeEach(async () => {
    admin = new pg.Client(PG_URL)
    await admin.connect()
    await admin.query(`create role ${role} login`)
    await admin.query(`create database ${database}`)
    const u = new URL(PG_URL)
    u.pathname = `/${database}`
    const owner = new pg.Client(u.toString())
    await owner.connect()
    await owner.query(`create schema app authorization ${role}`)
    await owner.end()
  })
  afterEach(async () => {
    await admin.query(`drop database ${database} with (force)`)
    await admin.query(`drop role ${role}`)
    await admin.end()
  })

  it('migrates and still finds substrings when the role may not create the extension', async () => {
    const u = new URL(PG_URL)
    u.pathname = `/${database}`
    u.username = role
    await using storage = pgStorage({ connectionString: inSchema(u.toString(), 'app') })
    await storage.migrate()
    await storage.migrate()
    await storage.insertProduct(product('W-1', 'Wireless Oak Lamp'))
    await storage.insertProduct(product('W-2', 'Steel Mug'))
    const page = await storage.listProducts({ name: 'oak la' })
    expect(page.items.map((p) => p.sku)).toEqual(['W-1'])
    expect(await storage.countProducts({ q: 'w-2' })).toBe(1)
    const check = new pg.Client(u.toString())
    await check.connect()
    const { rows } = await check.query(
      "select count(*)::int as n from pg_extension where extname = 'pg_trgm'",
    )
    await check.end()
    expect(rows[0].n).toBe(0)
  })
})
