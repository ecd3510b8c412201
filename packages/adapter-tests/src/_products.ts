import { randomUUID } from 'node:crypto'
import { skuKey } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import {
  expectImporterError,
  insertProducts,
  productRecord,
  storedProduct,
  storedProducts,
} from './_fixtures.js'
import type { CurrentTarget } from './types.js'

/** Schema, single products, SKU uniqueness and deletes. */
export function describeProducts(target: CurrentTarget): void {
  describe('schema', () => {
    it('migrates again without touching the stored products', async () => {
      const { storage } = target()
      const record = await storage.insertProduct(productRecord())
      await storage.migrate()
      await storage.migrate()
      expect(await storage.getProduct(record.id)).toEqual(record)
    })
  })

  describe('products', () => {
    it('reads an inserted product back by id and by SKU key', async () => {
      const { storage } = target()
      const record = productRecord({ sku: 'Lamp-01', priceCents: 7999, active: false })
      expect(await storage.insertProduct(record)).toEqual(record)
      expect(await storage.getProduct(record.id)).toEqual(record)
      expect(await storage.getProductBySkuKey('lamp-01')).toEqual(record)
    })

    it('returns undefined for an unknown id or SKU key', async () => {
      const { storage } = target()
      await storage.insertProduct(productRecord())
      expect(await storage.getProduct(randomUUID())).toBeUndefined()
      expect(await storage.getProductBySkuKey('no-such-sku')).toBeUndefined()
    })

    it('stores prices as exact integer cents, including none and the largest', async () => {
      const t = target()
      const cheap = await t.storage.insertProduct(productRecord({ sku: 'P-1', priceCents: 7999 }))
      const free = await t.storage.insertProduct(productRecord({ sku: 'P-2', priceCents: null }))
      const dear = productRecord({ sku: 'P-3', priceCents: 99_999_999_999_999 })
      await t.storage.insertProduct(dear)
      expect((await storedProduct(t, 'P-1'))?.price).toBe('7999')
      expect((await storedProduct(t, 'P-2'))?.price).toBeNull()
      expect((await storedProduct(t, 'P-3'))?.price).toBe('99999999999999')
      expect((await t.storage.getProduct(cheap.id))?.priceCents).toBe(7999)
      expect((await t.storage.getProduct(free.id))?.priceCents).toBeNull()
      expect((await t.storage.getProduct(dear.id))?.priceCents).toBe(99_999_999_999_999)
    })

    it('updates only the given fields and updatedAt', async () => {
      const { storage } = target()
      const record = await storage.insertProduct(productRecord())
      const updatedAt = new Date(record.updatedAt.getTime() + 60_000)
      const expected = { ...record, name: 'Renamed', priceCents: null, quantity: 0, updatedAt }
      const result = await storage.updateProduct(record.id, {
        name: 'Renamed',
        priceCents: null,
        quantity: 0,
        updatedAt,
      })
      expect(result).toEqual(expected)
      expect(await storage.getProduct(record.id)).toEqual(expected)
    })

    it('changes the SKU of a product and finds it by the new key only', async () => {
      const { storage } = target()
      const record = await storage.insertProduct(productRecord({ sku: 'OLD-1' }))
      const updatedAt = new Date(record.updatedAt.getTime() + 1000)
      await storage.updateProduct(record.id, { sku: 'New-1', skuKey: skuKey('New-1'), updatedAt })
      expect(await storage.getProductBySkuKey('old-1')).toBeUndefined()
      expect(await storage.getProductBySkuKey('new-1')).toMatchObject({
        id: record.id,
        sku: 'New-1',
      })
    })

    it('returns undefined when updating a product that does not exist', async () => {
      const { storage } = target()
      const result = await storage.updateProduct(randomUUID(), { name: 'x', updatedAt: new Date() })
      expect(result).toBeUndefined()
      expect(await storage.countProducts()).toBe(0)
    })

    it('refuses a second product with the same SKU key as SKU_TAKEN', async () => {
      const t = target()
      const first = await t.storage.insertProduct(productRecord({ sku: 'ABC-1', name: 'First' }))
      await expectImporterError(
        t.storage.insertProduct(productRecord({ sku: 'abc-1', name: 'Second' })),
        'SKU_TAKEN',
      )
      expect(await storedProducts(t)).toMatchObject([{ id: first.id, sku: 'ABC-1', name: 'First' }])
    })

    it('treats SKUs that fold to the same key as one SKU (STRASSE and straße)', async () => {
      const { storage } = target()
      const first = await storage.insertProduct(productRecord({ sku: 'STRASSE' }))
      await expectImporterError(
        storage.insertProduct(productRecord({ sku: 'straße' })),
        'SKU_TAKEN',
      )
      expect(await storage.getProductBySkuKey(skuKey('Straße'))).toEqual(first)
    })

    it("refuses to change a SKU to another product's key as SKU_TAKEN", async () => {
      const { storage } = target()
      await storage.insertProduct(productRecord({ sku: 'A-1' }))
      const other = await storage.insertProduct(productRecord({ sku: 'B-1' }))
      await expectImporterError(
        storage.updateProduct(other.id, { sku: 'a-1', skuKey: 'a-1', updatedAt: new Date() }),
        'SKU_TAKEN',
      )
      expect(await storage.getProduct(other.id)).toEqual(other)
    })

    it('deletes products by id and counts only those that existed', async () => {
      const { storage } = target()
      const [a, b, c] = await insertProducts(target(), 3)
      expect(await storage.deleteProducts([a!.id, c!.id, randomUUID()])).toBe(2)
      expect(await storage.getProduct(a!.id)).toBeUndefined()
      expect(await storage.getProduct(b!.id)).toEqual(b)
      expect(await storage.deleteProducts([])).toBe(0)
      expect(await storage.countProducts()).toBe(1)
    })

    it('deletes over a thousand products in one call', async () => {
      const t = target()
      const writer = await t.storage.openImportWriter({ dryRun: false })
      const rows = Array.from({ length: 1200 }, (_, i) => ({
        line: i + 2,
        sku: `BULK-${i}`,
        skuKey: `bulk-${i}`,
        name: `Bulk ${i}`,
      }))
      await writer.write(rows)
      await writer.close()
      const ids = (await storedProducts(t)).map((p) => p.id)
      expect(await t.storage.deleteProducts(ids)).toBe(1200)
      expect(await t.storage.countProducts()).toBe(0)
    })

    it('deletes every product and returns how many there were', async () => {
      const t = target()
      await insertProducts(t, 4)
      expect(await t.storage.deleteAllProducts()).toBe(4)
      expect(await storedProducts(t)).toEqual([])
      expect(await t.storage.deleteAllProducts()).toBe(0)
    })

    it('deletes every product only while its guard holds: the count and no product created since', async () => {
      const t = target()
      const records = await insertProducts(t, 3)
      const counted = records.at(-1)!.createdAt
      await expect(
        t.storage.deleteAllProducts(undefined, { expect: 2, createdAtMost: counted }),
      ).rejects.toMatchObject({
        code: 'SELECTION_CHANGED',
        details: { reason: 'count', expected: 2, matching: 3 },
      })
      const late = await t.storage.insertProduct(
        productRecord({ createdAt: new Date(counted.getTime() + 60_000) }),
      )
      await expect(
        t.storage.deleteAllProducts(undefined, { expect: 3, createdAtMost: counted }),
      ).rejects.toMatchObject({ code: 'SELECTION_CHANGED', details: { reason: 'created_since' } })
      expect(await storedProducts(t)).toHaveLength(4)
      expect(
        await t.storage.deleteAllProducts(undefined, { expect: 4, createdAtMost: late.createdAt }),
      ).toBe(4)
      expect(await storedProducts(t)).toEqual([])
    })
  })
}
