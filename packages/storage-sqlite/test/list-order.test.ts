import { randomUUID } from 'node:crypto'
import { productRecord, importRow as row } from '@product-importer/adapter-tests'
import type { ProductRecord } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { tempFile } from './temp-file.js'

const INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'products'"
const NEWEST_FIRST = 'SELECT id FROM products ORDER BY created_at DESC, id DESC'

/** The list-order indexes of the file, by name. */
function listIndexes(filename: string): Record<string, string> {
  const raw = new Database(filename, { readonly: true })
  try {
    const rows = raw.prepare(INDEXES).all() as { name: string; sql: string | null }[]
    return Object.fromEntries(
      rows
        .filter((r) => r.name === 'products_created_idx' || r.name === 'products_inactive_idx')
        .map((r) => [r.name, r.sql!.replace(/\s+/g, ' ')]),
    )
  } finally {
    raw.close()
  }
}

/** Every product id of `filename`, newest first, read straight from the table. */
function newestFirst(filename: string): string[] {
  const raw = new Database(filename, { readonly: true })
  try {
    return raw.prepare(NEWEST_FIRST).pluck().all() as string[]
  } finally {
    raw.close()
  }
}

/** The file as a database migrated before products were listed by id: both indexes, by time. */
function asBeforeListingById(filename: string): void {
  const raw = new Database(filename)
  raw.exec(`
    create index if not exists products_created_idx on products (created_at, id);
    drop index products_inactive_idx;
    create index products_inactive_idx on products (created_at, id) where active = 0;
    delete from product_importer_migrations where name = 'sqlite_0003_list_by_id';`)
  raw.close()
}

async function importRows(filename: string, count: number) {
  await using storage = sqliteStorage({ filename })
  await storage.migrate()
  const writer = await storage.openImportWriter({ dryRun: false })
  await writer.write(
    Array.from({ length: count }, (_, i) => row(`ORD-${i}`, { name: 'N', active: i % 4 !== 0 })),
  )
  await writer.close()
}

async function walk(filename: string, pageSize: number): Promise<string[]> {
  await using storage = sqliteStorage({ filename })
  const ids: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 1000; pages++) {
    const page = await storage.listProducts({ pageSize, cursor, withTotal: false })
    ids.push(...page.items.map((p) => p.id))
    cursor = page.nextCursor
    if (!cursor) return ids
  }
  throw new Error('the cursor never reached the last page')
}

describe('SQLite list order', () => {
  it('keeps no (created_at, id) index while every id embeds its creation time', async () => {
    const filename = await tempFile()
    await importRows(filename, 300)
    expect(listIndexes(filename)).toEqual({
      products_inactive_idx: 'CREATE INDEX products_inactive_idx on products (id) where active = 0',
    })
    // Imported in one batch: one creation time, so the order is the ids' own.
    expect(await walk(filename, 7)).toEqual(newestFirst(filename))
  })

  it('indexes (created_at, id) again before storing a product whose id does not follow', async () => {
    const filename = await tempFile()
    await importRows(filename, 50)
    await using reader = sqliteStorage({ filename })
    expect((await reader.listProducts({ pageSize: 1 })).items).toHaveLength(1)
    // Another connection stores an older product with a newer id, and one with a random id.
    await using writer = sqliteStorage({ filename })
    const old = productRecord({ createdAt: new Date(Date.UTC(2020, 0, 1)) })
    await writer.insertProduct({ ...old, id: `ffffffff${old.id.slice(8)}` })
    await writer.insertProduct(productRecord({ id: randomUUID() }))
    expect(Object.keys(listIndexes(filename)).sort()).toEqual([
      'products_created_idx',
      'products_inactive_idx',
    ])
    const all = newestFirst(filename)
    expect(all.at(-1)).toMatch(/^ffffffff/)
    // The reader's connection sees the change at its next list.
    const page = await reader.listProducts({ pageSize: 100 })
    expect(page.items.map((p) => p.id)).toEqual(all)
    expect(await walk(filename, 9)).toEqual(all)
    const inactive = await reader.listProducts({ active: false, pageSize: 100 })
    expect(inactive.items.map((p) => p.id)).toEqual(
      all.filter((id) => !page.items.find((p) => p.id === id)!.active),
    )
  })

  it('moves a database whose products all follow their creation time to listing by id', async () => {
    const filename = await tempFile()
    await importRows(filename, 120)
    asBeforeListingById(filename)
    const before = newestFirst(filename)
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    expect(Object.keys(listIndexes(filename))).toEqual(['products_inactive_idx'])
    expect(await walk(filename, 11)).toEqual(before)
  })

  it('leaves the indexes of a database with a product that does not follow', async () => {
    const filename = await tempFile()
    await importRows(filename, 20)
    {
      await using storage = sqliteStorage({ filename })
      const stranger: ProductRecord = productRecord({ id: randomUUID() })
      await storage.insertProduct(stranger)
    }
    asBeforeListingById(filename)
    const indexes = listIndexes(filename)
    await using storage = sqliteStorage({ filename })
    await storage.migrate()
    expect(listIndexes(filename)).toEqual(indexes)
    expect(await walk(filename, 6)).toEqual(newestFirst(filename))
  })
})
