import { randomUUID } from 'node:crypto'
import type { ProductFilter, ProductQuery, ProductRecord } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import {
  expectImporterError,
  importRow,
  insertProducts,
  newestFirst,
  productRecord,
} from './_fixtures.js'
import type { ConformanceTarget, CurrentTarget } from './types.js'

const CATALOG = [
  { sku: 'LAMP-001', name: 'Desk Lamp', description: 'Warm LIGHT for reading', active: true },
  { sku: 'lamp-002', name: 'Floor lamp', description: 'Tall', active: false },
  {
    sku: 'CHAIR-1',
    name: 'Office Chair',
    description: 'Ergonomic, with a lamp holder',
    active: true,
  },
  { sku: 'TABLE-1', name: 'Table', description: 'Oak', active: true },
]

async function skusOf(t: ConformanceTarget, filter: ProductFilter): Promise<string[]> {
  const page = await t.storage.listProducts({ ...filter, pageSize: 100 })
  expect(await t.storage.countProducts(filter)).toBe(page.total)
  return page.items.map((p) => p.sku).sort()
}

async function walk(t: ConformanceTarget, filter: ProductFilter, pageSize: number) {
  const seen: ProductRecord[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 100; pages++) {
    const page = await t.storage.listProducts({ ...filter, pageSize, cursor, withTotal: false })
    seen.push(...page.items)
    cursor = page.nextCursor
    if (!cursor) return seen
  }
  throw new Error('the cursor never reached the last page')
}

/** Listing, filtering, paging, counting and streaming products. */
export function describeProductLists(target: CurrentTarget): void {
  describe('product lists', () => {
    it('lists products newest first, then by id descending', async () => {
      const t = target()
      const older = await insertProducts(t, 3)
      const at = new Date(Date.UTC(2030, 0, 1))
      const tied = [productRecord({ createdAt: at }), productRecord({ createdAt: at })]
      for (const record of tied) await t.storage.insertProduct(record)
      const page = await t.storage.listProducts({})
      expect(page.items).toEqual([...older, ...tied].sort(newestFirst))
      expect(page.total).toBe(5)
      expect(page.nextCursor).toBeUndefined()
    })

    it('filters by SKU, name and description substrings, ignoring ASCII case', async () => {
      const t = target()
      for (const fields of CATALOG) await t.storage.insertProduct(productRecord(fields))
      expect(await skusOf(t, { sku: 'Lamp' })).toEqual(['LAMP-001', 'lamp-002'])
      expect(await skusOf(t, { name: 'LAMP' })).toEqual(['LAMP-001', 'lamp-002'])
      expect(await skusOf(t, { description: 'light' })).toEqual(['LAMP-001'])
      expect(await skusOf(t, { name: 'sofa' })).toEqual([])
    })

    it('filters by active and by q across SKU, name and description', async () => {
      const t = target()
      for (const fields of CATALOG) await t.storage.insertProduct(productRecord(fields))
      expect(await skusOf(t, { active: false })).toEqual(['lamp-002'])
      expect(await skusOf(t, { active: true })).toEqual(['CHAIR-1', 'LAMP-001', 'TABLE-1'])
      expect(await skusOf(t, { q: 'lamp' })).toEqual(['CHAIR-1', 'LAMP-001', 'lamp-002'])
      expect(await skusOf(t, { q: 'table-1' })).toEqual(['TABLE-1'])
      expect(await skusOf(t, { q: 'lamp', active: true, name: 'desk' })).toEqual(['LAMP-001'])
    })

    it('finds a SKU by any spelling that folds to its key', async () => {
      const t = target()
      await t.storage.insertProduct(productRecord({ sku: 'STRASSE-9' }))
      await t.storage.insertProduct(productRecord({ sku: 'WEG-9' }))
      expect(await skusOf(t, { sku: 'straße' })).toEqual(['STRASSE-9'])
      expect(await skusOf(t, { q: 'Straße-9' })).toEqual(['STRASSE-9'])
    })

    it('treats % and _ in a filter as plain characters', async () => {
      const t = target()
      for (const name of ['100% cotton', '100 cotton', 'a_b', 'axb']) {
        await t.storage.insertProduct(productRecord({ name }))
      }
      const names = async (name: string) =>
        (await t.storage.listProducts({ name })).items.map((p) => p.name)
      expect(await names('0%')).toEqual(['100% cotton'])
      expect(await names('a_b')).toEqual(['a_b'])
    })

    it('pages with page and pageSize, counting every match', async () => {
      const t = target()
      const all = (await insertProducts(t, 25)).sort(newestFirst)
      const page = (n: number) => t.storage.listProducts({ page: n, pageSize: 10 })
      const [first, third, fourth] = await Promise.all([page(1), page(3), page(4)])
      expect(first.items).toEqual(all.slice(0, 10))
      expect(first.total).toBe(25)
      expect(third.items).toEqual(all.slice(20))
      expect(fourth).toMatchObject({ items: [], total: 25 })
      expect((await t.storage.listProducts({})).items).toHaveLength(20)
    })

    it('pages through rare and frequent matches alike, newest first, with their totals', async () => {
      const t = target()
      // Rare: 3 of 200 (found by a scan); frequent: every other one (found along the order).
      const all = await insertProducts(t, 200, (i) => ({
        name: i % 70 === 5 ? `Rare lamp ${i}` : `Item ${i}`,
        description: i % 2 === 0 ? 'even' : 'odd',
      }))
      const sorted = [...all].sort(newestFirst)
      const rare = sorted.filter((p) => p.name.startsWith('Rare'))
      const even = sorted.filter((p) => p.description === 'even')
      expect(rare).toHaveLength(3)
      const page = (filter: ProductQuery, n: number, pageSize: number) =>
        t.storage.listProducts({ ...filter, page: n, pageSize })
      expect(await page({ name: 'rare LAMP' }, 1, 2)).toEqual({
        items: rare.slice(0, 2),
        total: 3,
        nextCursor: expect.any(String),
      })
      expect(await page({ q: 'rare lamp' }, 2, 2)).toEqual({ items: rare.slice(2), total: 3 })
      expect((await page({ q: 'even' }, 3, 10)).items).toEqual(even.slice(20, 30))
      expect(await page({ q: 'nothing like it' }, 1, 20)).toEqual({ items: [], total: 0 })
      expect(await page({ sku: 'no-such-sku' }, 2, 20)).toEqual({ items: [], total: 0 })
      const sortedByName = (await page({ name: 'rare', sort: 'name' }, 1, 20)).items
      expect(sortedByName.map((p) => p.name)).toEqual(rare.map((p) => p.name).sort())
    })

    it('leaves the total out when asked not to count', async () => {
      const t = target()
      await insertProducts(t, 3)
      const page = await t.storage.listProducts({ withTotal: false })
      expect(page.items).toHaveLength(3)
      expect(page.total).toBeUndefined()
    })

    it('walks every product exactly once, newest first, with nextCursor', async () => {
      const t = target()
      // Groups of four share a creation time, so the cursor must break ties by id.
      const base = Date.UTC(2025, 5, 1)
      const all: ProductRecord[] = []
      for (let i = 0; i < 23; i++) {
        const createdAt = new Date(base + Math.floor(i / 4) * 1000)
        all.push(await t.storage.insertProduct(productRecord({ createdAt })))
      }
      expect(await walk(t, {}, 5)).toEqual(all.sort(newestFirst))
    })

    it('orders products whose ids do not follow their creation time by createdAt all the same', async () => {
      const t = target()
      // Ids made from the creation time, then products stored with ids of other kinds: random
      // ones, and a time-ordered one of another moment, among and around the others.
      const all = await insertProducts(t, 8, (i) => ({ active: i % 3 !== 0 }))
      const between = new Date(all[3]!.createdAt.getTime() + 500)
      const others = [
        productRecord({ id: randomUUID(), createdAt: between, active: false }),
        productRecord({ id: randomUUID(), createdAt: all[0]!.createdAt }),
        productRecord({ id: all[7]!.id.replace(/^.{8}/, 'ffffffff'), createdAt: between }),
        productRecord({ id: `0${randomUUID().slice(1)}`, createdAt: new Date(Date.UTC(2040, 0)) }),
      ]
      for (const record of others) all.push(await t.storage.insertProduct(record))
      const newest = [...all].sort(newestFirst)
      expect((await t.storage.listProducts({})).items).toEqual(newest)
      expect(await walk(t, {}, 3)).toEqual(newest)
      expect(await walk(t, { active: false }, 2)).toEqual(newest.filter((p) => !p.active))
      const byName = await t.storage.listProducts({ sort: 'name', pageSize: 100 })
      expect(byName.items).toEqual(
        [...newest].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      )
      const streamed: ProductRecord[] = []
      for await (const chunk of t.storage.streamProducts({}, { chunkSize: 5 })) {
        streamed.push(...chunk)
      }
      expect(streamed).toEqual([...newest].reverse())
    })

    it('keeps the filter while walking with nextCursor', async () => {
      const t = target()
      const all = await insertProducts(t, 12, (i) => ({ active: i % 3 !== 0 }))
      const active = all.filter((p) => p.active).sort(newestFirst)
      expect(await walk(t, { active: true }, 3)).toEqual(active)
    })

    it('counts all products or those matching a filter', async () => {
      const t = target()
      expect(await t.storage.countProducts()).toBe(0)
      await insertProducts(t, 7, (i) => ({ active: i < 2 }))
      expect(await t.storage.countProducts()).toBe(7)
      expect(await t.storage.countProducts({ active: true })).toBe(2)
    })

    it('rejects a listing whose caller has gone with CANCELLED', async () => {
      const t = target()
      await insertProducts(t, 2, () => ({ name: 'Lamp' }))
      const gone = AbortSignal.abort()
      await expectImporterError(t.storage.listProducts({ signal: gone }), 'CANCELLED')
      await expectImporterError(t.storage.listProducts({ q: 'lamp', signal: gone }), 'CANCELLED')
      const wanted = new AbortController().signal
      expect((await t.storage.listProducts({ name: 'lamp', signal: wanted })).total).toBe(2)
    })

    it('keeps the plain and the active totals exact through every kind of write', async () => {
      const t = target()
      const expectTotals = async (all: number, active: number) => {
        // Counted from the table itself, beside whatever the adapter keeps.
        const [row] = await t.raw(
          'SELECT count(*) AS n, count(CASE WHEN active THEN 1 END) AS a FROM products',
        )
        expect([Number(row?.n), Number(row?.a)]).toEqual([all, active])
        expect(await t.storage.countProducts()).toBe(all)
        expect(await t.storage.countProducts({ active: true })).toBe(active)
        expect(await t.storage.countProducts({ active: false })).toBe(all - active)
        expect((await t.storage.listProducts({ pageSize: 1 })).total).toBe(all)
        expect((await t.storage.listProducts({ active: true, pageSize: 1 })).total).toBe(active)
        // A page past the last has no row to carry a total, and still gives it.
        expect((await t.storage.listProducts({ page: 99, pageSize: 1 })).total).toBe(all)
      }
      await expectTotals(0, 0)
      const [first, , , fourth] = await insertProducts(t, 5, (i) => ({ active: i < 3 }))
      await expectTotals(5, 3)
      const writer = await t.storage.openImportWriter({ dryRun: false })
      await writer.write([
        importRow(first!.sku, { active: false }),
        importRow('NEW-1', { name: 'New one', active: true }),
        importRow('NEW-2', { name: 'New two', active: false }),
      ])
      await writer.close()
      await expectTotals(7, 3)
      await t.storage.updateProduct(fourth!.id, { active: true, updatedAt: new Date() })
      await expectTotals(7, 4)
      await t.storage.deleteProducts([first!.id, fourth!.id])
      await expectTotals(5, 3)
      // Writes beside the adapter, in plain SQL, count too.
      await t.raw('UPDATE products SET active = NOT active')
      await expectTotals(5, 2)
      await t.raw("DELETE FROM products WHERE sku = 'NEW-1'")
      await expectTotals(4, 2)
      await t.storage.deleteAllProducts()
      await expectTotals(0, 0)
      await insertProducts(t, 2, () => ({ active: true }))
      await expectTotals(2, 2)
    })
  })

  describe('product streams', () => {
    it('streams every product oldest first, in chunks of the asked size', async () => {
      const t = target()
      const all = await insertProducts(t, 25)
      const chunks: ProductRecord[][] = []
      for await (const chunk of t.storage.streamProducts({}, { chunkSize: 10 })) chunks.push(chunk)
      expect(chunks.map((c) => c.length)).toEqual([10, 10, 5])
      expect(chunks.flat()).toEqual(all.sort(newestFirst).reverse())
    })

    it('streams only the products matching the filter', async () => {
      const t = target()
      const all = await insertProducts(t, 9, (i) => ({ name: i % 2 ? 'Odd one' : 'Even one' }))
      const streamed: ProductRecord[] = []
      for await (const chunk of t.storage.streamProducts({ name: 'odd' }, { chunkSize: 2 })) {
        streamed.push(...chunk)
      }
      expect(streamed).toEqual(all.filter((p) => p.name === 'Odd one'))
    })

    it('streams the ids and creation times of the matching products, as streamProducts orders them', async () => {
      const t = target()
      if (!t.storage.streamProductIds) return
      const all = await insertProducts(t, 9, (i) => ({ name: i % 2 ? 'Odd one' : 'Even one' }))
      const chunks: { id: string; createdAt: Date }[][] = []
      for await (const chunk of t.storage.streamProductIds({ name: 'odd' }, { chunkSize: 2 })) {
        chunks.push(chunk)
      }
      expect(chunks.map((c) => c.length)).toEqual([2, 2])
      expect(chunks.flat()).toEqual(
        all
          .filter((p) => p.name === 'Odd one')
          .sort(newestFirst)
          .reverse()
          .map((p) => ({ id: p.id, createdAt: p.createdAt })),
      )
    })

    it('streams no chunk from an empty catalog', async () => {
      const chunks: unknown[] = []
      for await (const chunk of target().storage.streamProducts()) chunks.push(chunk)
      expect(chunks).toEqual([])
    })

    it('stays usable after a consumer stops a stream early', async () => {
      const t = target()
      await insertProducts(t, 6)
      for await (const chunk of t.storage.streamProducts({}, { chunkSize: 2 })) {
        expect(chunk).toHaveLength(2)
        break
      }
      await t.storage.insertProduct(productRecord())
      expect(await t.storage.countProducts()).toBe(7)
    })
  })
}
