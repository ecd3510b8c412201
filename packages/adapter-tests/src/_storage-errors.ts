import { ROW_REJECTIONS } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { expectImporterError, importRow, storedProducts } from './_fixtures.js'
import { writeBatches } from './_import-writer.js'
import type { CurrentTarget } from './types.js'

/** The error rule of the contract, the same on every database. */
export function describeStorageErrors(target: CurrentTarget): void {
  describe('errors', () => {
    it('rejects a new product without a name in the same words on every database', async () => {
      const t = target()
      const rows = [importRow('NONAME-1', { quantity: 3 })]
      const expected = [{ index: 0, ...ROW_REJECTIONS.nameRequired }]
      const [dry] = await writeBatches(t, [rows], true)
      const [real] = await writeBatches(t, [rows])
      expect(dry?.rejected).toEqual(expected)
      expect(real?.rejected).toEqual(expected)
      expect(await storedProducts(t)).toEqual([])
    })

    it('fails every call after close with STORAGE_FAILED', async () => {
      const t = target()
      const writer = await t.storage.openImportWriter({ dryRun: false })
      await t.storage.close()
      await expectImporterError(t.storage.getProduct('x'), 'STORAGE_FAILED')
      await expectImporterError(t.storage.listProducts({}), 'STORAGE_FAILED')
      await expectImporterError(t.storage.listJobs(), 'STORAGE_FAILED')
      await expectImporterError(t.storage.migrate(), 'STORAGE_FAILED')
      if (t.storage.ping) await expectImporterError(t.storage.ping(), 'STORAGE_FAILED')
      await expectImporterError(t.storage.openImportWriter({ dryRun: false }), 'STORAGE_FAILED')
      await expectImporterError(writer.write([importRow('A-1', { name: 'A' })]), 'STORAGE_FAILED')
      await writer.close()
    })

    it('answers a ping while the database answers, reading no table', async () => {
      const t = target()
      expect(t.storage.ping).toBeTypeOf('function')
      await expect(t.storage.ping?.()).resolves.toBeUndefined()
      // A readiness check must not depend on the schema: it asks the database, nothing more.
      await t.raw('ALTER TABLE products RENAME TO products_away')
      try {
        await expect(t.storage.ping?.()).resolves.toBeUndefined()
      } finally {
        await t.raw('ALTER TABLE products_away RENAME TO products')
      }
    })

    it('fails a batch and a query the database cannot run with STORAGE_FAILED, then recovers', async () => {
      const t = target()
      const writer = await t.storage.openImportWriter({ dryRun: false })
      try {
        await t.raw('ALTER TABLE products RENAME TO products_away')
        await expectImporterError(writer.write([importRow('A-1', { name: 'A' })]), 'STORAGE_FAILED')
        // A page, not a bare count: an adapter may keep the plain total beside the table.
        await expectImporterError(t.storage.listProducts({}), 'STORAGE_FAILED')
        await expectImporterError(t.storage.countProducts({ name: 'A' }), 'STORAGE_FAILED')
        await t.raw('ALTER TABLE products_away RENAME TO products')
        await expect(writer.write([importRow('A-1', { name: 'A' })])).resolves.toMatchObject({
          created: 1,
        })
      } finally {
        await writer.close()
      }
      expect((await storedProducts(t)).map((p) => p.sku)).toEqual(['A-1'])
    })
  })
}
