import type { BatchResult } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { importRow, productRecord, storedProducts } from './_fixtures.js'
import { writeBatches } from './_import-writer.js'
import type { CurrentTarget } from './types.js'

const result = (fields: Partial<BatchResult>): BatchResult => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  duplicates: 0,
  rejected: [],
  ...fields,
})

/** Batches over a whole import: duplicates across batches, dry runs, failures. */
export function describeImportBatches(target: CurrentTarget): void {
  describe('import batches', () => {
    it('keeps the last row of a SKU written in two batches and counts it as a duplicate only', async () => {
      const t = target()
      const results = await writeBatches(t, [
        [importRow('abc-1', { name: 'First', quantity: 1 }), importRow('X-1', { name: 'X' })],
        [importRow('ABC-1', { name: 'Second' })],
        [importRow('Abc-1', { name: 'Second' }), importRow('x-1')],
      ])
      expect(results).toEqual([
        result({ created: 2 }),
        result({ duplicates: 1 }),
        result({ duplicates: 2 }),
      ])
      expect(await storedProducts(t)).toMatchObject([
        { sku: 'Abc-1', name: 'Second', quantity: 1 },
        { sku: 'x-1', name: 'X' },
      ])
    })

    it('counts no duplicates for SKUs written by an earlier writer', async () => {
      const t = target()
      await writeBatches(t, [[importRow('A-1', { name: 'A' })]])
      expect(await writeBatches(t, [[importRow('A-1', { name: 'B' })]])).toEqual([
        result({ updated: 1 }),
      ])
    })

    it('creates a product in a later batch after rejecting it for lack of a name', async () => {
      const t = target()
      const results = await writeBatches(t, [
        [importRow('LATE-1', { quantity: 3 })],
        [importRow('LATE-1', { name: 'Late' })],
      ])
      expect(results.map((r) => [r.created, r.duplicates, r.rejected.length])).toEqual([
        [0, 0, 1],
        [1, 0, 0],
      ])
      expect(await storedProducts(t)).toMatchObject([{ sku: 'LATE-1', name: 'Late', quantity: 0 }])
    })

    it('evaluates a dry run exactly as a real run and writes nothing', async () => {
      const t = target()
      await t.storage.insertProduct(productRecord({ sku: 'P-1', name: 'P1' }))
      const p2 = productRecord({ sku: 'P-2', name: 'P2' })
      await t.storage.insertProduct(p2)
      const batches = [
        [
          importRow('N-1', { name: 'N1' }),
          importRow('P-1', { name: 'P1 renamed' }),
          importRow('P-2', { name: 'P2', quantity: p2.quantity }),
          importRow('R-1', { quantity: 1 }),
        ],
        [
          // N-1 exists only in what the dry run would have written: no name needed.
          importRow('N-1', { quantity: 3 }),
          importRow('P-2', { active: false }),
          importRow('N-2', { name: 'N2' }),
          importRow('R-1', { name: 'R1' }),
        ],
        [importRow('N-2', { name: 'N2' }), importRow('p-1', { name: 'P1 renamed' })],
      ]
      const expected = [
        result({
          created: 1,
          updated: 1,
          unchanged: 1,
          rejected: [{ index: 3, column: 'name', message: expect.any(String) }],
        }),
        result({ created: 2, duplicates: 2 }),
        result({ duplicates: 2 }),
      ]
      const before = await t.raw('SELECT * FROM products')
      const dry = await writeBatches(t, batches, true)
      expect(dry).toEqual(expected)
      expect(await t.raw('SELECT * FROM products')).toEqual(before)
      expect(await writeBatches(t, batches)).toEqual(dry)
      expect((await storedProducts(t)).map((p) => [p.sku, p.name, p.quantity, p.active])).toEqual([
        ['N-1', 'N1', 3, true],
        ['N-2', 'N2', 0, true],
        ['p-1', 'P1 renamed', 5, true],
        ['P-2', 'P2', 5, false],
        ['R-1', 'R1', 0, true],
      ])
    })

    it('commits nothing of a batch that fails part-way', async () => {
      const t = target()
      await t.storage.insertProduct(productRecord({ sku: 'OLD-1', name: 'Old' }))
      const before = await storedProducts(t)
      // NaN is a number to TypeScript, but no database stores it in an integer column.
      const batch = [
        importRow('OLD-1', { name: 'Renamed' }),
        importRow('NEW-1', { name: 'New' }),
        importRow('BAD-1', { name: 'Bad', quantity: Number.NaN }),
      ]
      await expect(writeBatches(t, [batch])).rejects.toThrow()
      expect(await storedProducts(t)).toEqual(before)
    })

    for (const dryRun of [false, true]) {
      const run = dryRun ? 'a dry run' : 'a real run'
      it(`counts an unchanged SKU repeated in a later batch as a duplicate, in ${run}`, async () => {
        const t = target()
        const same = productRecord({ sku: 'SAME-1', name: 'Same' })
        await t.storage.insertProduct(same)
        const unchanged = (sku: string) =>
          importRow(sku, { name: 'Same', quantity: same.quantity, active: same.active })
        const results = await writeBatches(
          t,
          [[unchanged('SAME-1')], [unchanged('same-1')]],
          dryRun,
        )
        expect(results).toEqual([result({ unchanged: 1 }), result({ duplicates: 1 })])
      })

      it(`counts the SKUs of a rolled-back batch as new when they come again, in ${run}`, async () => {
        const t = target()
        const writer = await t.storage.openImportWriter({ dryRun })
        try {
          const bad = importRow('BAD-1', { name: 'Bad', quantity: Number.NaN })
          await expect(writer.write([importRow('NEW-1', { name: 'New' }), bad])).rejects.toThrow()
          expect(await writer.write([importRow('NEW-1', { name: 'New' })])).toEqual(
            result({ created: 1 }),
          )
          expect(await writer.write([importRow('new-1', { name: 'New' })])).toEqual(
            result({ duplicates: 1 }),
          )
        } finally {
          await writer.close()
        }
      })
    }

    it('closes a writer twice without harm', async () => {
      const t = target()
      const writer = await t.storage.openImportWriter({ dryRun: true })
      await writer.write([importRow('A-1', { name: 'A' })])
      await writer.close()
      await writer.close()
      expect(await t.storage.countProducts()).toBe(0)
    })
  })
}
