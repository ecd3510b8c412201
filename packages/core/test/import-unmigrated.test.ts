import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProductImporter, importProducts } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { databaseOn, onBothStorages } from './both-storages.js'
import { bytes, tempDir } from './helpers.js'

const CSV = 'sku,name,price\nA-1,Lamp,9.90\nB-2,Mug,4.50\n'

onBothStorages((kind) => {
  describe('importProducts() on a database that was never migrated', () => {
    it('migrates it on first use and imports the file', async () => {
      const open = await databaseOn(kind)
      const file = join(tempDir(), 'products.csv')
      writeFileSync(file, CSV)
      const summary = await importProducts(file, { storage: open() }).result()
      expect(summary).toMatchObject({ status: 'completed', created: 2 })

      // Another process, another storage object: the products are there.
      const importer = createProductImporter({ storage: open(), migrate: false })
      expect((await importer.products.getBySku('b-2'))?.price).toBe('4.50')
    })

    it('migrates once for several imports started at once on one storage', async () => {
      const storage = (await databaseOn(kind))()
      let migrations = 0
      const migrate = storage.migrate.bind(storage)
      storage.migrate = async () => {
        migrations++
        await migrate()
      }
      const runs = ['A', 'B', 'C'].map((sku) =>
        importProducts(bytes(`sku,name\n${sku},${sku}\n`), { storage }).result(),
      )
      expect((await Promise.all(runs)).map((s) => s.status)).toEqual([
        'completed',
        'completed',
        'completed',
      ])
      await importProducts(bytes('sku,name\nD,D\n'), { storage }).result()
      expect(migrations).toBe(1)
    })

    it('with migrate: false, fails with the storage error and creates no table', async () => {
      const open = await databaseOn(kind)
      const error = await importProducts(bytes(CSV), { storage: open(), migrate: false })
        .result()
        .catch((e: unknown) => e)
      // The caller said the schema is theirs to manage: the database's own answer, not a guess.
      expect(error).toMatchObject({ name: 'ImporterError', code: 'STORAGE_FAILED' })
      expect((error as Error).message).toMatch(/products/)
      // Migrating afterwards still finds an empty catalog: nothing was half-created.
      const importer = createProductImporter({ storage: open() })
      expect((await importer.products.list()).total).toBe(0)
    })
  })
})
