import { productRecord, importRow as row } from '@product-importer/adapter-tests'
import type { ImportRow, ProductQuery } from '@product-importer/core'
import { type SqliteStorage, sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { tempFile } from './temp-file.js'

/** A storage on a fresh file, and a second connection reading the file behind its back. */
async function setup() {
  const filename = await tempFile()
  const storage = sqliteStorage({ filename })
  await storage.migrate()
  const raw = new Database(filename)
  return {
    filename,
    storage,
    raw,
    [Symbol.asyncDispose]: async () => {
      await storage.close()
      raw.close()
    },
  }
}

const NAMES = 'SELECT rowid, name FROM product_names ORDER BY rowid'
const PRODUCTS = 'SELECT rowid, name FROM products ORDER BY rowid'

/**
 * Waits (a bounded number of turns) until product_names holds every product, then returns
 * both tables. Folding runs between other work, so a test gives it turns of the event loop.
 */
async function whenFolded(raw: Database.Database) {
  const tail = raw.prepare(
    'SELECT (SELECT coalesce(max(rowid), 0) FROM products) > (SELECT coalesce(max(rowid), 0) FROM product_names)',
  )
  for (let turn = 0; turn < 500 && tail.pluck().get(); turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return { names: raw.prepare(NAMES).all(), products: raw.prepare(PRODUCTS).all() }
}

/** Imports `rows` in one batch and waits until their names are folded in. */
async function importFolded(
  s: { storage: SqliteStorage; raw: Database.Database },
  rows: ImportRow[],
) {
  const writer = await s.storage.openImportWriter({ dryRun: false })
  await writer.write(rows)
  await writer.close()
  await whenFolded(s.raw)
}

/** What a filter should find, read straight from products: the ids newest first. */
function scan(raw: Database.Database, where: string) {
  return raw
    .prepare(`SELECT id FROM products WHERE ${where} ORDER BY created_at DESC, id DESC`)
    .pluck()
    .all() as string[]
}

/** Every page of `query`, following the cursors: the ids and the totals. */
async function allPages(storage: SqliteStorage, query: ProductQuery) {
  const ids: string[] = []
  const totals = new Set<number | undefined>()
  let cursor: string | undefined
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await storage.listProducts({ ...query, ...(cursor ? { cursor } : {}) })
    ids.push(...page.items.map((p) => p.id))
    totals.add(page.total)
    cursor = page.nextCursor
    if (!cursor) break
  }
  return { ids, totals: [...totals] }
}

const named = (from: number, to: number, name: (i: number) => string) =>
  Array.from({ length: to - from }, (_, i) => row(`N-${from + i}`, { name: name(from + i) }))

describe('product_names, the narrow table name filters scan', () => {
  it('holds every imported product once the import closes, renamed ones with their new name', async () => {
    await using s = await setup()
    const writer = await s.storage.openImportWriter({ dryRun: false })
    await writer.write(named(0, 1_000, (i) => `Chair ${i}`))
    await writer.write(named(1_000, 2_000, (i) => `Lamp ${i}`))
    // Before the fold, a name search still finds the products the table lacks.
    expect((await s.storage.listProducts({ name: 'lamp 1' })).total).toBe(
      scan(s.raw, "name LIKE '%lamp 1%'").length,
    )
    await writer.write(named(500, 1_500, (i) => `Table ${i}`))
    await writer.close()
    const { names, products } = await whenFolded(s.raw)
    expect(names).toHaveLength(2_000)
    expect(names).toEqual(products)
  })

  it('follows products created, renamed and deleted through the API, folded or not', async () => {
    await using s = await setup()
    await importFolded(
      s,
      named(0, 100, (i) => `Chair ${i}`),
    )
    const folded = (await s.storage.getProductBySkuKey('n-7'))!
    const gone = (await s.storage.getProductBySkuKey('n-8'))!
    const created = await s.storage.insertProduct(productRecord({ name: 'Desk lamp' }))
    const other = await s.storage.insertProduct(productRecord({ name: 'Floor lamp' }))
    await s.storage.updateProduct(folded.id, { name: 'Reading lamp', updatedAt: new Date() })
    await s.storage.updateProduct(created.id, { name: 'Desk LAMP', updatedAt: new Date() })
    await s.storage.updateProduct(other.id, { quantity: 3, updatedAt: new Date() })
    expect(await s.storage.deleteProducts([gone.id, other.id])).toBe(2)

    const lamps = await s.storage.listProducts({ name: 'lamp' })
    expect(lamps.items.map((p) => p.name).sort()).toEqual(['Desk LAMP', 'Reading lamp'])
    expect(lamps.total).toBe(2)
    const { names, products } = await whenFolded(s.raw)
    expect(names).toEqual(products)
    expect(names).toHaveLength(100)
  })

  it('empties with a bulk delete and a delete of everything', async () => {
    await using s = await setup()
    await importFolded(
      s,
      named(0, 300, (i) => `Chair ${i}`),
    )
    const ids = scan(s.raw, "sku_key LIKE 'n-1%'")
    expect(await s.storage.deleteProducts(ids)).toBe(ids.length)
    expect(s.raw.prepare(NAMES).all()).toEqual(s.raw.prepare(PRODUCTS).all())
    expect(await s.storage.countProducts({ name: 'chair 1' })).toBe(0)
    expect(await s.storage.deleteAllProducts()).toBe(300 - ids.length)
    expect(s.raw.prepare(NAMES).all()).toEqual([])
  })

  it('deletes everything in one go, with its events, and still follows deletes afterwards', async () => {
    await using s = await setup()
    await importFolded(
      s,
      named(0, 50, (i) => `Chair ${i}`),
    )
    const counts: number[] = []
    const deleted = await s.storage.deleteAllProducts((count) => {
      counts.push(count)
      return []
    })
    expect([deleted, ...counts]).toEqual([50, 50])
    expect(s.raw.prepare(NAMES).all()).toEqual([])
    // The delete trigger is back: a product deleted later takes its name with it.
    await importFolded(
      s,
      named(0, 20, (i) => `Desk ${i}`),
    )
    const gone = (await s.storage.getProductBySkuKey('n-3'))!
    expect(await s.storage.deleteProducts([gone.id])).toBe(1)
    expect(s.raw.prepare(NAMES).all()).toEqual(s.raw.prepare(PRODUCTS).all())
    expect(s.raw.prepare(NAMES).all()).toHaveLength(19)
  })

  it('keeps nothing of a batch that was rolled back', async () => {
    await using s = await setup()
    const writer = await s.storage.openImportWriter({ dryRun: false })
    await writer.write(named(0, 100, (i) => `Chair ${i}`))
    const failing = [
      ...named(100, 199, (i) => `Lamp ${i}`),
      row('N-199', { name: 'Lamp', quantity: Number.NaN }),
    ]
    await expect(writer.write(failing)).rejects.toThrow(/NOT NULL/)
    await writer.write(named(200, 250, (i) => `Desk ${i}`))
    await writer.close()
    const { names, products } = await whenFolded(s.raw)
    expect(names).toEqual(products)
    expect(names).toHaveLength(150)
    expect(await s.storage.countProducts({ name: 'lamp' })).toBe(0)
  })

  it('is filled by its migration on a database that already has products', async () => {
    const filename = await tempFile()
    {
      await using storage = sqliteStorage({ filename })
      await storage.migrate()
      const writer = await storage.openImportWriter({ dryRun: false })
      await writer.write(named(0, 500, (i) => `Chair ${i}`))
      await writer.close()
    }
    // The database as it was before the migration.
    const raw = new Database(filename)
    raw.exec(`DROP TRIGGER product_names_update; DROP TRIGGER product_names_delete;
      DROP TABLE product_names;
      DELETE FROM product_importer_migrations WHERE name = 'sqlite_0002_product_names'`)
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    expect(raw.prepare(NAMES).all()).toEqual(raw.prepare(PRODUCTS).all())
    expect(raw.prepare(NAMES).all()).toHaveLength(500)
    // And it is kept from then on.
    raw.prepare("UPDATE products SET name = 'Lamp' WHERE sku_key = 'n-3'").run()
    expect(
      raw.prepare('SELECT name FROM product_names WHERE name = ?').pluck().all('Lamp'),
    ).toEqual(['Lamp'])
    raw.close()
  })

  it('gives name filters over a large table the totals and pages of a scan, folded or not', async () => {
    await using s = await setup()
    const writer = await s.storage.openImportWriter({ dryRun: false })
    const name = (i: number) => (i % 7 === 0 ? `Lamp ${i}` : `Chair ${i}`)
    await writer.write(named(0, 15_000, name))
    await writer.write(named(15_000, 30_000, name))
    await writer.close()
    await s.storage.insertProduct(productRecord({ name: 'Lamp from the API' }))
    // Common, rare (read through product_names) and absent, before and after the fold.
    const cases = ['lamp', 'LAMP 29', 'lamp from', 'no such name']
    const expected = cases.map((text) => scan(s.raw, `name LIKE '%${text}%'`))
    for (const round of ['before', 'after']) {
      if (round === 'after') {
        const { names, products } = await whenFolded(s.raw)
        expect(names).toEqual(products)
      }
      for (const [i, text] of cases.entries()) {
        const first = await s.storage.listProducts({ name: text, pageSize: 25 })
        expect([round, text, first.total]).toEqual([round, text, expected[i]!.length])
        expect(first.items.map((p) => p.id)).toEqual(expected[i]!.slice(0, 25))
        expect(await s.storage.countProducts({ name: text })).toBe(expected[i]!.length)
        const untotalled = await s.storage.listProducts({ name: text, withTotal: false })
        expect(untotalled.total).toBeUndefined()
        expect(untotalled.items.map((p) => p.id)).toEqual(expected[i]!.slice(0, 20))
      }
    }
    const third = await s.storage.listProducts({ name: 'lamp 29', page: 3, pageSize: 10 })
    expect(third.items.map((p) => p.id)).toEqual(expected[1]!.slice(20, 30))
    const rare = await allPages(s.storage, { name: 'lamp 29', pageSize: 30 })
    expect(rare).toEqual({ ids: expected[1], totals: [expected[1]!.length] })
  })
})

describe('SKU filters', () => {
  it('give the pages and totals of a scan, whether their matches are few or many', async () => {
    await using s = await setup()
    const writer = await s.storage.openImportWriter({ dryRun: false })
    // SKUs with "-1" gather in the oldest products, where a newest-first walk meets them last.
    const rows = Array.from({ length: 12_000 }, (_, i) => row(`S-${i}`, { name: `Item ${i}` }))
    for (let from = 0; from < rows.length; from += 3_000) {
      await writer.write(rows.slice(from, from + 3_000))
    }
    await writer.close()
    for (const text of ['-1', 's-', 'S-11', 'nothing']) {
      const key = text.toLowerCase()
      const expected = scan(s.raw, `sku_key LIKE '%${key}%'`)
      expect(await allPages(s.storage, { sku: text, pageSize: 250 })).toEqual({
        ids: expected,
        totals: [expected.length],
      })
      const second = await s.storage.listProducts({ sku: text, page: 2, pageSize: 7 })
      expect(second.items.map((p) => p.id)).toEqual(expected.slice(7, 14))
      const byName = await s.storage.listProducts({ sku: text, sort: '-name', pageSize: 5 })
      expect(byName.items.map((p) => p.id)).toEqual(
        s.raw
          .prepare(
            `SELECT id FROM products WHERE sku_key LIKE '%${key}%' ORDER BY name DESC, created_at DESC, id DESC LIMIT 5`,
          )
          .pluck()
          .all(),
      )
      const untotalled = await s.storage.listProducts({ sku: text, withTotal: false })
      expect(untotalled.total).toBeUndefined()
      expect(untotalled.items.map((p) => p.id)).toEqual(expected.slice(0, 20))
    }
  })
})
