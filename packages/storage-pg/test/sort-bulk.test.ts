import { createProductImporter, type ProductImporter } from '@product-importer/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTarget, PG_URL } from './_pg.js'

// Sorting and the bulk changes of the products API run on shared SQL; the HTTP tests cover them
// on SQLite, these on PostgreSQL.
describe.skipIf(!PG_URL)('postgres product sorting and bulk changes', () => {
  let target: Awaited<ReturnType<typeof createTarget>>
  let importer: ProductImporter
  beforeEach(async () => {
    target = await createTarget()
    importer = createProductImporter({ storage: target.storage })
    for (const row of [
      { sku: 'B-2', name: 'banana', price: '3.00', quantity: 5, active: true },
      { sku: 'a-1', name: 'apple', price: '10.50', quantity: 1, active: false },
      { sku: 'C-3', name: 'cherry', price: '0.99', quantity: 9, active: true },
    ]) {
      await importer.products.create(row)
    }
  })
  afterEach(async () => {
    await importer.close()
    await target.close()
  })

  const skus = async (sort: Parameters<ProductImporter['products']['list']>[0]) =>
    (await importer.products.list(sort)).items.map((p) => p.sku)

  it('sorts by sku, price and quantity either way, paging by number', async () => {
    expect(await skus({ sort: 'sku' })).toEqual(['a-1', 'B-2', 'C-3'])
    expect(await skus({ sort: '-price' })).toEqual(['a-1', 'B-2', 'C-3'])
    expect(await skus({ sort: 'quantity' })).toEqual(['a-1', 'B-2', 'C-3'])
    expect(await skus({ sort: '-quantity', pageSize: 2, page: 2 })).toEqual(['a-1'])
    expect((await importer.products.list({ sort: 'sku', pageSize: 1 })).nextCursor).toBeUndefined()
  })

  it('sets active and deletes by filter, counting only real changes', async () => {
    expect(await importer.products.setActive({ all: true }, true)).toEqual({
      count: 1,
      notFound: [],
    })
    expect(await importer.products.count({ active: true })).toBe(3)
    expect(await importer.products.deleteMatching({ filter: { q: 'an' } })).toEqual({
      count: 1,
      notFound: [],
    })
    expect(await skus({ sort: 'sku' })).toEqual(['a-1', 'C-3'])
  })
})
