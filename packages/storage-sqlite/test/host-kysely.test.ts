import { Readable } from 'node:stream'
import { describeStorageConformance } from '@product-importer/adapter-tests'
import { createProductImporter, isImporterError } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import BetterSqlite3 from 'better-sqlite3'
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { tempFile } from './temp-file.js'

interface HostDatabase {
  hostOrders: { orderId: number; placedBy: string }
}

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A service's own database file and Kysely instance (with a plugin), and a table of its own. */
async function hostService() {
  const database = new BetterSqlite3(await tempFile())
  database.pragma('journal_mode = WAL')
  const kysely = new Kysely<HostDatabase>({
    dialect: new SqliteDialect({ database }),
    plugins: [new CamelCasePlugin()],
  })
  cleanups.push(() => kysely.destroy())
  await kysely.schema
    .createTable('hostOrders')
    .addColumn('orderId', 'integer', (c) => c.primaryKey())
    .addColumn('placedBy', 'text', (c) => c.notNull())
    .execute()
  await kysely.insertInto('hostOrders').values({ orderId: 1, placedBy: 'ada' }).execute()
  return { database, kysely }
}

// The whole contract, through a host's instance (a plugin included) on a host's connection.
describeStorageConformance("sqlite on the host's Kysely", async () => {
  const filename = await tempFile()
  const database = new BetterSqlite3(filename)
  database.pragma('journal_mode = WAL')
  database.pragma('busy_timeout = 5000')
  const kysely = new Kysely({
    dialect: new SqliteDialect({ database }),
    plugins: [new CamelCasePlugin()],
  })
  const storage = sqliteStorage({ kysely, database })
  const bindable = (value: unknown) =>
    typeof value === 'boolean' ? Number(value) : value instanceof Date ? value.getTime() : value
  return {
    storage,
    async raw(sql, params = []) {
      const statement = database.prepare(sql)
      const values = params.map(bindable)
      if (statement.reader) return statement.all(...values) as Record<string, unknown>[]
      statement.run(...values)
      return []
    },
    async close() {
      await storage.close()
      await kysely.destroy()
    },
  }
})

describe("sqliteStorage({ kysely, database }): the application's own Kysely", () => {
  it('migrates, imports and lists through it, and leaves it and its tables as they were', async () => {
    const { database, kysely } = await hostService()
    const importer = createProductImporter({ storage: sqliteStorage({ kysely, database }) })
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
    await importer.close()

    // The host's instance (plugin and all) and its connection still answer; its table is as it was.
    expect(database.open).toBe(true)
    expect(await kysely.selectFrom('hostOrders').selectAll().execute()).toEqual([
      { orderId: 1, placedBy: 'ada' },
    ])
    // Read back through the driver, not through the adapter under test.
    expect(database.prepare('select sku from products order by sku').pluck().all()).toEqual([
      'A-1',
      'B-2',
    ])
  })

  it("queues its queries behind the application's transaction instead of landing inside it", async () => {
    const { database, kysely } = await hostService()
    const importer = createProductImporter({ storage: sqliteStorage({ kysely, database }) })
    cleanups.push(() => importer.close())
    await importer.products.list()
    let created: Promise<unknown> | undefined
    await expect(
      kysely.transaction().execute(async (trx) => {
        await trx.insertInto('hostOrders').values({ orderId: 2, placedBy: 'bob' }).execute()
        created = importer.products.create({ sku: 'C-3', name: 'Cup' })
        await new Promise((resolve) => setTimeout(resolve, 50))
        throw new Error('the host rolls back')
      }),
    ).rejects.toThrow('the host rolls back')
    await created
    // The host's rollback took its own row only; the product, written after it, stays.
    expect(await importer.products.getBySku('c-3')).toMatchObject({ name: 'Cup' })
    expect(database.prepare('select count(*) from host_orders').pluck().get()).toBe(1)
  })

  it('refuses what a Kysely instance cannot stand in for, saying what to pass', async () => {
    const { database, kysely } = await hostService()
    expect(() => sqliteStorage({ kysely } as never)).toThrow(/needs the better-sqlite3 database/)
    expect(() => sqliteStorage({ kysely, filename: 'x.db' } as never)).toThrow(
      /not a filename: pass \{ kysely, database \}/,
    )
    expect(() => sqliteStorage({ kysely: {}, database } as never)).toThrow(
      /must be a Kysely instance/,
    )
    await kysely.transaction().execute(async (trx) => {
      expect(() => sqliteStorage({ kysely: trx, database })).toThrow(/not a transaction/)
    })
    const postgres = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool() }) })
    expect(() => sqliteStorage({ kysely: postgres, database })).toThrow(/on a SqliteDialect .*\$1/)
  })

  it('fails migrate() with STORAGE_FAILED for an instance built on another database', async () => {
    const { kysely } = await hostService()
    const other = new BetterSqlite3(await tempFile())
    cleanups.push(() => other.close())
    const storage = sqliteStorage({ kysely, database: other })
    cleanups.push(() => storage.close())
    const error = await storage.migrate().catch((e: unknown) => e)
    expect(isImporterError(error, 'STORAGE_FAILED')).toBe(true)
    expect((error as Error).message).toMatch(/not built on the database given with it/)
  })
})
