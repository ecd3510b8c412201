import { Readable } from 'node:stream'
import { describeStorageConformance } from '@product-importer/adapter-tests'
import { createProductImporter, isImporterError } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import BetterSqlite3 from 'better-sqlite3'
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createSchema, PG_URL } from './_pg.js'

interface HostDatabase {
  hostOrders: { orderId: number; placedBy: string }
}

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A service's own pool and Kysely instance (with a plugin) on a schema, and a table of its own. */
async function hostService() {
  const schema = await createSchema()
  cleanups.push(() => schema.drop())
  const pool = new pg.Pool({ connectionString: schema.url, max: 4 })
  const kysely = new Kysely<HostDatabase>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  })
  // Kysely's destroy() ends the pool: the host's to do, after the importer has gone.
  cleanups.push(() => kysely.destroy())
  await kysely.schema
    .createTable('hostOrders')
    .addColumn('orderId', 'integer', (c) => c.primaryKey())
    .addColumn('placedBy', 'text', (c) => c.notNull())
    .execute()
  await kysely.insertInto('hostOrders').values({ orderId: 1, placedBy: 'ada' }).execute()
  return { schema, pool, kysely }
}

// The whole contract, through a host's instance (a plugin included) on a host's pool.
if (PG_URL) {
  describeStorageConformance("postgres on the host's Kysely", async () => {
    const schema = await createSchema()
    const pool = new pg.Pool({ connectionString: schema.url })
    const kysely = new Kysely({
      dialect: new PostgresDialect({ pool }),
      plugins: [new CamelCasePlugin()],
    })
    const storage = pgStorage({ kysely, pool })
    return {
      storage,
      raw: schema.raw,
      async close() {
        await storage.close()
        await kysely.destroy()
        await schema.drop()
      },
    }
  })
}

describe.skipIf(!PG_URL)("pgStorage({ kysely, pool }): the application's own Kysely", () => {
  it('migrates, imports, watches, lists and exports through it, and leaves it open', async () => {
    const { schema, pool, kysely } = await hostService()
    const importer = createProductImporter({ storage: pgStorage({ kysely, pool }) })
    const job = await importer.imports.start(
      Readable.from(['sku,name,price\nA-1,Lamp,9.90\nB-2,Mug,4.50\n']),
    )
    let status: string | undefined
    for await (const state of importer.imports.watch(job.id, { intervalMs: 20 })) {
      status = state.status
    }
    expect(status).toBe('completed')
    const page = await importer.products.list({ sort: 'sku' })
    expect(page.items.map((p) => [p.sku, p.price])).toEqual([
      ['A-1', '9.90'],
      ['B-2', '4.50'],
    ])
    let csv = ''
    for await (const chunk of importer.products.exportCsv()) csv += chunk
    expect(csv).toContain('A-1')
    await importer.close()

    // The host's instance (plugin and all) and its pool still answer; its table is as it was.
    expect(pool.ended).toBe(false)
    expect(await kysely.selectFrom('hostOrders').selectAll().execute()).toEqual([
      { orderId: 1, placedBy: 'ada' },
    ])
    // Read back through raw SQL, not through the adapter under test.
    expect(await schema.raw('select sku from products order by sku')).toEqual([
      { sku: 'A-1' },
      { sku: 'B-2' },
    ])
  })

  it('refuses what a Kysely instance cannot stand in for, saying what to pass', async () => {
    const { pool, kysely } = await hostService()
    expect(() => pgStorage({ kysely } as never)).toThrow(/needs the pg Pool the instance/)
    expect(() => pgStorage({ kysely, connectionString: PG_URL } as never)).toThrow(
      /not a connectionString or poolConfig: pass \{ kysely, pool \}/,
    )
    expect(() => pgStorage({ kysely, pool, poolConfig: { max: 1 } } as never)).toThrow(
      /not a connectionString or poolConfig/,
    )
    expect(() => pgStorage({ kysely, pool, schema: 'catalog' })).toThrow(
      /kysely instance of your own: set the pool's search path .*search_path=catalog,public/,
    )
    expect(() => pgStorage({ kysely: 'db', pool } as never)).toThrow(/must be a Kysely instance/)
    await kysely.transaction().execute(async (trx) => {
      expect(() => pgStorage({ kysely: trx, pool })).toThrow(/not a transaction/)
    })
    const database = new BetterSqlite3(':memory:')
    cleanups.push(() => database.close())
    const sqlite = new Kysely({ dialect: new SqliteDialect({ database }) })
    expect(() => pgStorage({ kysely: sqlite, pool })).toThrow(/on a PostgresDialect .*\?/)
  })

  it('fails migrate() with STORAGE_FAILED for an instance on another search path than its pool', async () => {
    const { pool } = await hostService()
    const elsewhere = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const kysely = new Kysely({ dialect: new PostgresDialect({ pool: elsewhere }) })
    cleanups.push(() => kysely.destroy())
    const storage = pgStorage({ kysely, pool })
    cleanups.push(() => storage.close())
    const error = await storage.migrate().catch((e: unknown) => e)
    expect(isImporterError(error, 'STORAGE_FAILED')).toBe(true)
    expect((error as Error).message).toMatch(/reaches database .* but its pool database/)
  })
})
