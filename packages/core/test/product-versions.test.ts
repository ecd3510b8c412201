import { isImporterError, type Product, productETag } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { bytes, runImport } from './helpers.js'

onBothStorages((kind) => {
  describe('products.update with ifMatch', () => {
    it('refuses a version an import has since changed, keeping the import and naming the current product', async () => {
      const importer = await importerOn(kind)
      const loaded = await importer.products.create({
        sku: 'LAMP-1',
        name: 'Lamp',
        price: '100.00',
        quantity: 5,
      })
      await runImport(importer, bytes('sku,price,quantity\nLAMP-1,120.00,50\n'))
      const current = await importer.products.get(loaded.id)

      const failure = await importer.products
        .update(loaded.id, { name: 'Desk lamp' }, { ifMatch: productETag(loaded) })
        .catch((error: unknown) => error)
      expect(isImporterError(failure, 'PRECONDITION_FAILED')).toBe(true)
      expect((failure as { details: { current: Product } }).details.current).toEqual(current)
      expect(await importer.products.get(loaded.id)).toEqual(current)

      const saved = await importer.products.update(
        loaded.id,
        { name: 'Desk lamp' },
        { ifMatch: productETag(current!) },
      )
      expect(saved).toMatchObject({ name: 'Desk lamp', price: '120.00', quantity: 50 })
      expect(productETag(saved)).not.toBe(productETag(current!))
    })

    it('writes nothing for a patch that changes nothing: no new updatedAt, no event', async () => {
      const importer = await importerOn(kind)
      const subscription = importer.webhooks.subscribe()
      const product = await importer.products.create({ sku: 'LAMP-2', name: 'Lamp', quantity: 5 })
      const same = await importer.products.update(product.id, { name: 'Lamp', quantity: '5' })
      expect(same).toEqual(product)
      expect(await importer.products.get(product.id)).toEqual(product)
      await importer.products.update(product.id, { quantity: 6 })
      const types: string[] = []
      for await (const event of subscription) {
        types.push(event.type)
        if (types.length === 2) break
      }
      expect(types).toEqual(['product.created', 'product.updated'])
      const updated = await importer.products.get(product.id)
      expect(updated?.quantity).toBe(6)
    })
  })
})
