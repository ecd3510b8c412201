import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describeStorageConformance, importRow } from '@product-importer/adapter-tests'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { tempFile } from './temp-file.js'

const bindable = (value: unknown) =>
  typeof value === 'boolean' ? Number(value) : value instanceof Date ? value.getTime() : value

describeStorageConformance('sqlite', async () => {
  const filename = await tempFile()
  const storage = sqliteStorage({ filename })
  let db: Database.Database | undefined
  return {
    storage,
    async raw(sql, params = []) {
      db ??= new Database(filename)
      const statement = db.prepare(sql)
      const values = params.map(bindable)
      if (statement.reader) return statement.all(...values) as Record<string, unknown>[]
      statement.run(...values)
      return []
    },
    async close() {
      await storage.close()
      db?.close()
    },
  }
})

const row = importRow

describe('sqlite storage', () => {
  it('exports only the storage factory at run time', async () => {
    expect(Object.keys(await import('@product-importer/storage-sqlite')).sort()).toEqual([
      'sqliteStorage',
    ])
  })

  it('opens nothing until first used, then creates the file and its folder', async () => {
    const filename = join(await tempFile(), '..', 'nested', 'products.db')
    const storage = sqliteStorage({ filename })
    expect(existsSync(filename)).toBe(false)
    await storage.migrate()
    expect(existsSync(filename)).toBe(true)
    await storage.close()
  })

  it('runs a file database in WAL mode', async () => {
    const filename = await tempFile()
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    const db = new Database(filename, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('works in memory', async () => {
    await using storage = sqliteStorage({ filename: ':memory:' })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    expect(await writer.write([row('A-1', { name: 'A' })])).toMatchObject({ created: 1 })
    await writer.close()
    expect(await storage.countProducts()).toBe(1)
  })

  it('leaves a database it was given open, and drops its temporary tables', async () => {
    const db = new Database(await tempFile())
    const storage = sqliteStorage({ database: db })
    await storage.migrate()
    for (const dryRun of [false, true]) {
      const writer = await storage.openImportWriter({ dryRun })
      await writer.write([row('A-1', { name: 'A' })])
      await writer.close()
    }
    await storage.close()
    expect(db.open).toBe(true)
    expect(db.prepare('SELECT name FROM sqlite_temp_master').all()).toEqual([])
    expect(db.prepare('SELECT sku FROM products').all()).toEqual([{ sku: 'A-1' }])
    db.close()
  })

  it('closes the database it opened, after which calls fail', async () => {
    const storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    await storage[Symbol.asyncDispose]()
    await storage.close()
    await expect(storage.countProducts()).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
  })

  it('counts text filters over a large table on its threads, as the connection would', async () => {
    const filename = await tempFile()
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) =>
        row(`PC-${from + i}`, {
          name: (from + i) % 7 === 0 ? `Lamp ${from + i}` : `Chair ${from + i}`,
          description: (from + i) % 11 === 0 ? 'with a LAMP shade' : 'plain',
        }),
      )
    await writer.write(rows(0, 30_000))
    const raw = new Database(filename, { readonly: true })
    const rawCount = (where: string) =>
      raw.prepare(`SELECT count(*) FROM products WHERE ${where}`).pluck().get()
    const lamp = "sku_key LIKE '%lamp%' OR name LIKE '%lamp%' OR description LIKE '%lamp%'"
    // The threads count while the event loop goes on: an immediate runs before the answer.
    let turned = false
    const counting = storage.countProducts({ q: 'lamp' }).then((n) => ({ n, turned }))
    setImmediate(() => {
      turned = true
    })
    expect(await counting).toEqual({ n: rawCount(lamp), turned: true })
    expect(await storage.countProducts({ name: 'LAMP' })).toBe(rawCount("name LIKE '%lamp%'"))
    expect(await storage.countProducts({ sku: 'pc-2999' })).toBe(11)
    expect(await storage.countProducts({ q: 'no such thing' })).toBe(0)
    // Rows committed after the threads started are counted too, also past the last max(rowid).
    await writer.write(rows(30_000, 31_000))
    await writer.close()
    expect(await storage.countProducts({ name: 'lamp' })).toBe(rawCount("name LIKE '%lamp%'"))
    const page = await storage.listProducts({ q: 'lamp', active: true, pageSize: 5 })
    expect(page.total).toBe(rawCount(`(${lamp}) AND active = 1`))
    expect(
      page.items.map((p) => p.name.includes('Lamp') || p.description.includes('LAMP')),
    ).toEqual(Array(5).fill(true))
    raw.close()
  })

  it('indexes inactive products only, and counts and lists both states', async () => {
    const filename = await tempFile()
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write(
      Array.from({ length: 1000 }, (_, i) => row(`ACT-${i}`, { name: 'A', active: i % 7 !== 0 })),
    )
    await writer.close()
    const raw = new Database(filename, { readonly: true })
    const indexes = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'products'")
      .pluck()
      .all()
    expect(indexes).toContain('products_inactive_idx')
    expect(indexes).not.toContain('products_active_idx')
    const inactive = raw
      .prepare('SELECT sku FROM products WHERE active = 0 ORDER BY created_at DESC, id DESC')
      .pluck()
      .all()
    raw.close()
    expect(await storage.countProducts({ active: false })).toBe(143)
    expect(await storage.countProducts({ active: true })).toBe(857)
    const page = await storage.listProducts({ active: false, page: 2, pageSize: 100 })
    expect(page.items.map((p) => p.sku)).toEqual(inactive.slice(100))
    expect(page.total).toBe(143)
    expect((await storage.listProducts({ active: true, pageSize: 1 })).total).toBe(857)
  })

  it('counts text filters in memory on its one connection', async () => {
    await using storage = sqliteStorage({ filename: ':memory:' })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const names = Array.from({ length: 25_000 }, (_, i) => row(`M-${i}`, { name: `N${i % 10}` }))
    await writer.write(names)
    await writer.close()
    expect(await storage.countProducts({ name: 'n3' })).toBe(2_500)
  })

  it('gives imported products UUIDs that grow from batch to batch', async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    const batches = [0, 1].map((b) =>
      Array.from({ length: 1000 }, (_, i) => row(`U-${b}-${i}`, { name: 'U' })),
    )
    const ids: string[][] = []
    for (const batch of batches) {
      await writer.write(batch)
      const stored = await Promise.all(batch.map((r) => storage.getProductBySkuKey(r.skuKey)))
      ids.push(stored.map((p) => p!.id).sort())
    }
    await writer.close()
    for (const id of ids.flat()) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }
    expect(new Set(ids.flat()).size).toBe(2000)
    expect(ids[0]!.at(-1)! < ids[1]![0]!).toBe(true)
  })

  // Each write() is one transaction on the synchronous driver: it blocks the event loop while it
  // runs, so the importer's 10,000-row batches (about 60 ms each) are the unit of atomicity.
  it('applies a 10,000-row batch as one transaction, all or nothing', async () => {
    await using storage = sqliteStorage({ filename: await tempFile() })
    await storage.migrate()
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`T-${i}`, { name: `T ${i}` }))
    const writer = await storage.openImportWriter({ dryRun: false })
    const failing = [...rows.slice(0, 9_999), row('T-9999', { name: 'T', quantity: Number.NaN })]
    await expect(writer.write(failing)).rejects.toThrow(/NOT NULL/)
    expect(await storage.countProducts()).toBe(0)
    expect(await writer.write(rows)).toMatchObject({ created: 10_000 })
    await writer.close()
    expect(await storage.countProducts()).toBe(10_000)
  })
})
