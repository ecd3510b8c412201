import type { ProductQuery, ProductRecord } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { productRecord } from './_fixtures.js'
import { writeBatches } from './_import-writer.js'
import type { ConformanceTarget, CurrentTarget } from './types.js'

type Sort = NonNullable<ProductQuery['sort']>

const namesBy = async (t: ConformanceTarget, sort: Sort) =>
  (await t.storage.listProducts({ sort, pageSize: 100 })).items.map((p) => p.name)

/** Every product of the sorted list, read page by page (`page` and `pageSize`). */
async function walkPages(t: ConformanceTarget, sort: Sort, pageSize: number) {
  const seen: ProductRecord[] = []
  for (let page = 1; page < 100; page++) {
    const { items, total } = await t.storage.listProducts({ sort, page, pageSize })
    seen.push(...items)
    if (items.length < pageSize) {
      expect(total).toBe(seen.length)
      return seen
    }
  }
  throw new Error('the pages never ended')
}

/** Sorting products: one order on every database. */
export function describeProductSorts(target: CurrentTarget): void {
  describe('product sorts', () => {
    it('sorts names ignoring letter case and accents, either way', async () => {
      const t = target()
      for (const name of ['apple', 'Banana', 'Zebra', 'éclair', 'Ärger', 'STRASSE', 'straße 2']) {
        await t.storage.insertProduct(productRecord({ name }))
      }
      const ascending = ['apple', 'Ärger', 'Banana', 'éclair', 'STRASSE', 'straße 2', 'Zebra']
      expect(await namesBy(t, 'name')).toEqual(ascending)
      expect(await namesBy(t, '-name')).toEqual([...ascending].reverse())
    })

    it('sorts by a name changed later, by the API or by an import', async () => {
      const t = target()
      const [a, b] = [productRecord({ name: 'alpha' }), productRecord({ name: 'Beta' })]
      for (const record of [a, b]) await t.storage.insertProduct(record)
      await t.storage.updateProduct(a.id, { name: 'Zulu', updatedAt: new Date() })
      expect(await namesBy(t, 'name')).toEqual(['Beta', 'Zulu'])
      await writeBatches(t, [
        [
          { line: 1, sku: b.sku, skuKey: b.skuKey, name: 'Ändern' },
          { line: 2, sku: 'NEW-1', skuKey: 'new-1', name: 'über' },
        ],
      ])
      expect(await namesBy(t, 'name')).toEqual(['Ändern', 'über', 'Zulu'])
    })

    it('fills in the name keys of a database from before them when it migrates', async () => {
      const t = target()
      for (const name of ['Zebra', 'éclair', 'apple', 'Banana']) {
        await t.storage.insertProduct(productRecord({ name }))
      }
      // The schema as it was before `0009_product_name_key` and the adapter's sort indexes.
      await t.raw('drop index if exists products_name_key_idx')
      await t.raw('alter table products drop column name_key')
      await t.raw(`delete from product_importer_migrations
        where name = '0009_product_name_key' or name like '%sort_indexes'`)
      await t.storage.migrate()
      expect(await namesBy(t, 'name')).toEqual(['apple', 'Banana', 'éclair', 'Zebra'])
      const keys = await t.raw('select name_key from products order by name_key')
      expect(keys.map((row) => row.name_key)).toEqual(['apple', 'banana', 'eclair', 'zebra'])
    })

    it('puts products without a price last, sorting by price either way', async () => {
      const t = target()
      for (const priceCents of [300, null, 100, null, 200]) {
        await t.storage.insertProduct(productRecord({ priceCents, name: String(priceCents) }))
      }
      const prices = async (sort: Sort) =>
        (await t.storage.listProducts({ sort })).items.map((p) => p.priceCents)
      expect(await prices('price')).toEqual([100, 200, 300, null, null])
      expect(await prices('-price')).toEqual([300, 200, 100, null, null])
    })

    it('pages through a sorted list with ties, yielding every product once in order', async () => {
      const t = target()
      const all: ProductRecord[] = []
      // Five names in two spellings each and four prices with NULLs: many ties, broken by id.
      const names = ['pear', 'Pear', 'Äpfel', 'apfel', 'fig']
      for (let i = 0; i < 23; i++) {
        const priceCents = i % 4 === 0 ? null : (i % 3) * 100
        const record = productRecord({ name: names[i % 5], priceCents, quantity: i % 2 })
        all.push(await t.storage.insertProduct(record))
      }
      for (const sort of ['name', '-name', 'price', '-price', 'sku', 'quantity'] as const) {
        const walked = await walkPages(t, sort, 2)
        expect(new Set(walked.map((p) => p.id)).size).toBe(all.length)
        // The page size does not change the order: the same list however it is cut.
        expect(await walkPages(t, sort, 5)).toEqual(walked)
        expect(await walkPages(t, sort, 23)).toEqual(walked)
      }
      const byName = await walkPages(t, 'name', 4)
      const keys = byName.map((p) => p.name.toLowerCase().replace('ä', 'a'))
      expect(keys).toEqual([...keys].sort())
      const tied = byName.filter((p) => p.name === 'fig').map((p) => p.id)
      expect(tied).toEqual([...tied].sort())
    })
  })
}
