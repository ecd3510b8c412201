import type { BatchResult, ImportRow } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { importRow, productRecord, storedProduct, storedProducts } from './_fixtures.js'
import type { ConformanceTarget, CurrentTarget } from './types.js'

/** Writes the batches with one writer, closing it even when a batch fails. */
export async function writeBatches(
  t: ConformanceTarget,
  batches: ImportRow[][],
  dryRun = false,
): Promise<BatchResult[]> {
  const writer = await t.storage.openImportWriter({ dryRun })
  try {
    const results: BatchResult[] = []
    for (const rows of batches) results.push(await writer.write(rows))
    return results
  } finally {
    await writer.close()
  }
}

const counts = (created: number, updated: number, unchanged: number, duplicates = 0) => ({
  created,
  updated,
  unchanged,
  duplicates,
  rejected: [],
})

/** The import hot path: creating, merging, skipping and counting rows. */
export function describeImportWriter(target: CurrentTarget): void {
  describe('import writer', () => {
    it('creates new products with defaults for the fields a row leaves out', async () => {
      const t = target()
      const [result] = await writeBatches(t, [[importRow('NEW-1', { name: 'Lamp' })]])
      expect(result).toEqual(counts(1, 0, 0))
      const product = await t.storage.getProductBySkuKey('new-1')
      expect(product).toMatchObject({
        sku: 'NEW-1',
        name: 'Lamp',
        description: '',
        priceCents: null,
        quantity: 0,
        active: true,
      })
      expect(product?.id).toEqual(expect.any(String))
      expect(product?.updatedAt).toEqual(product?.createdAt)
    })

    it('counts created, updated and unchanged products', async () => {
      const t = target()
      const rows = [
        importRow('A-1', { name: 'A', priceCents: 100, quantity: 1, active: true }),
        importRow('B-1', { name: 'B', priceCents: 200, quantity: 2, active: false }),
      ]
      expect(await writeBatches(t, [rows])).toEqual([counts(2, 0, 0)])
      const again = [
        rows[0]!,
        importRow('B-1', { name: 'B', priceCents: 250 }),
        importRow('C-1', { name: 'C', description: 'new' }),
      ]
      expect(await writeBatches(t, [again])).toEqual([counts(1, 1, 1)])
      expect(await storedProducts(t)).toMatchObject([
        { sku: 'A-1', price: '100', quantity: 1, active: true },
        { sku: 'B-1', price: '250', quantity: 2, active: false },
        { sku: 'C-1', name: 'C', description: 'new', price: null },
      ])
    })

    it('leaves an unchanged product untouched, updatedAt included', async () => {
      const t = target()
      const record = await t.storage.insertProduct(productRecord({ sku: 'KEEP-1' }))
      const same = importRow('KEEP-1', {
        name: record.name,
        description: record.description,
        priceCents: record.priceCents,
        quantity: record.quantity,
        active: record.active,
      })
      expect(await writeBatches(t, [[same]])).toEqual([counts(0, 0, 1)])
      // A row with the SKU alone changes nothing either.
      expect(await writeBatches(t, [[importRow('keep-1'.toUpperCase())]])).toEqual([
        counts(0, 0, 1),
      ])
      expect(await t.storage.getProduct(record.id)).toEqual(record)
    })

    it('changes only the fields a row gives, keeping id and createdAt', async () => {
      const t = target()
      const record = await t.storage.insertProduct(
        productRecord({ sku: 'PART-1', name: 'Part', description: 'Steel', priceCents: 500 }),
      )
      const [result] = await writeBatches(t, [[importRow('PART-1', { quantity: 42 })]])
      expect(result).toEqual(counts(0, 1, 0))
      expect(await storedProduct(t, 'PART-1')).toEqual({
        id: record.id,
        sku: 'PART-1',
        skuKey: 'part-1',
        name: 'Part',
        description: 'Steel',
        price: '500',
        quantity: 42,
        active: true,
      })
      const after = await t.storage.getProduct(record.id)
      expect(after?.createdAt).toEqual(record.createdAt)
      expect(after!.updatedAt.getTime()).toBeGreaterThan(record.updatedAt.getTime())
    })

    it('notices a change in any single field', async () => {
      const t = target()
      const record = await t.storage.insertProduct(productRecord({ sku: 'ONE-1' }))
      const changes = [
        { name: 'Other' },
        { description: 'Other' },
        { priceCents: 1 },
        { priceCents: null },
        { quantity: 1000 },
        { active: false },
        { active: true },
      ]
      for (const change of changes) {
        expect(await writeBatches(t, [[importRow('ONE-1', change)]])).toEqual([counts(0, 1, 0)])
      }
      expect(await t.storage.getProduct(record.id)).toMatchObject({
        name: 'Other',
        description: 'Other',
        priceCents: null,
        quantity: 1000,
        active: true,
      })
    })

    it('clears a price when a row gives null', async () => {
      const t = target()
      await t.storage.insertProduct(productRecord({ sku: 'FREE-1', priceCents: 1234 }))
      await writeBatches(t, [[importRow('FREE-1', { priceCents: null })]])
      expect((await storedProduct(t, 'FREE-1'))?.price).toBeNull()
    })

    it('stores imported prices as exact integer cents', async () => {
      const t = target()
      await writeBatches(t, [
        [
          importRow('P-1', { name: 'P', priceCents: 7999 }),
          importRow('P-2', { name: 'P', priceCents: 99_999_999_999_999 }),
          importRow('P-3', { name: 'P', priceCents: 0 }),
        ],
      ])
      expect((await storedProducts(t)).map((p) => p.price)).toEqual(['7999', '99999999999999', '0'])
    })

    it('updates the spelling of a SKU without changing its key or id', async () => {
      const t = target()
      const record = await t.storage.insertProduct(productRecord({ sku: 'abc-1' }))
      const [result] = await writeBatches(t, [[importRow('ABC-1')]])
      expect(result).toEqual(counts(0, 1, 0))
      expect(await storedProducts(t)).toMatchObject([
        { id: record.id, sku: 'ABC-1', skuKey: 'abc-1' },
      ])
    })

    it('rejects a new product without a name and writes nothing for it', async () => {
      const t = target()
      await t.storage.insertProduct(productRecord({ sku: 'OLD-1', name: 'Old' }))
      const [result] = await writeBatches(t, [
        [
          importRow('NEW-1', { name: 'New' }),
          importRow('NONAME-1', { priceCents: 100 }),
          importRow('OLD-1', { quantity: 7 }),
        ],
      ])
      expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 0, duplicates: 0 })
      expect(result?.rejected).toEqual([
        { index: 1, column: 'name', message: expect.stringContaining('name') },
      ])
      expect((await storedProducts(t)).map((p) => [p.sku, p.name, p.quantity])).toEqual([
        ['NEW-1', 'New', 0],
        ['OLD-1', 'Old', 7],
      ])
    })
  })
}
