import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  endpointRecord,
  expectImporterError,
  importRow,
  outboxEvent,
  productRecord,
  storedProduct,
} from './_fixtures.js'
import type { CurrentTarget } from './types.js'

/** `updateProduct` with `expected`: the write happens only while the product is unchanged. */
export function describeConditionalUpdates(target: CurrentTarget): void {
  describe('conditional product updates', () => {
    it('writes while the stored product still equals the expected record', async () => {
      const t = target()
      const record = await t.storage.insertProduct(productRecord({ sku: 'IF-1', priceCents: null }))
      const updatedAt = new Date(record.updatedAt.getTime() + 1000)
      const result = await t.storage.updateProduct(
        record.id,
        { name: 'Renamed', updatedAt },
        undefined,
        { expected: record },
      )
      expect(result).toEqual({ ...record, name: 'Renamed', updatedAt })
      expect(await storedProduct(t, 'IF-1')).toMatchObject({ name: 'Renamed', price: null })
    })

    it('refuses after an import batch changed the product, with the current record and no events', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'e' }))
      const read = await t.storage.insertProduct(
        productRecord({ sku: 'IF-2', priceCents: 10_000, quantity: 5 }),
      )
      const writer = await t.storage.openImportWriter({ dryRun: false })
      await writer.write([importRow('IF-2', { priceCents: 12_000, quantity: 50 })])
      await writer.close()
      const current = await t.storage.getProduct(read.id)

      const failure = await t.storage
        .updateProduct(
          read.id,
          { name: 'Renamed', priceCents: 10_000, updatedAt: new Date() },
          () => [outboxEvent('product.updated')],
          { expected: read },
        )
        .catch((error: unknown) => error)
      expect(failure).toMatchObject({
        name: 'ImporterError',
        code: 'PRECONDITION_FAILED',
        details: { current },
      })
      expect(await storedProduct(t, 'IF-2')).toMatchObject({
        name: read.name,
        price: '12000',
        quantity: 50,
      })
      expect(await t.raw('SELECT event_type FROM webhook_deliveries')).toEqual([])
    })

    it('compares every field, not only updatedAt', async () => {
      const t = target()
      const read = await t.storage.insertProduct(productRecord({ sku: 'IF-3', quantity: 1 }))
      // Another write within the same millisecond: updatedAt alone would not tell.
      await t.storage.updateProduct(read.id, { quantity: 2, updatedAt: read.updatedAt })
      await expectImporterError(
        t.storage.updateProduct(read.id, { name: 'Renamed', updatedAt: new Date() }, undefined, {
          expected: read,
        }),
        'PRECONDITION_FAILED',
      )
      expect(await storedProduct(t, 'IF-3')).toMatchObject({ name: read.name, quantity: 2 })
    })

    it('lets exactly one of two updates from the same version through', async () => {
      const t = target()
      const read = await t.storage.insertProduct(productRecord({ sku: 'IF-4' }))
      const attempt = (name: string) =>
        t.storage
          .updateProduct(read.id, { name, updatedAt: new Date() }, undefined, { expected: read })
          .then(
            () => 'written',
            (error: { code?: string }) => error.code,
          )
      const outcomes = await Promise.all([attempt('First'), attempt('Second')])
      expect([...outcomes].sort()).toEqual(['PRECONDITION_FAILED', 'written'])
      const winner = outcomes[0] === 'written' ? 'First' : 'Second'
      expect((await storedProduct(t, 'IF-4'))?.name).toBe(winner)
    })

    it('returns undefined when the product no longer exists', async () => {
      const t = target()
      const read = productRecord({ id: randomUUID(), sku: 'IF-5' })
      const result = await t.storage.updateProduct(
        read.id,
        { name: 'x', updatedAt: new Date() },
        undefined,
        { expected: read },
      )
      expect(result).toBeUndefined()
      expect(await t.storage.countProducts()).toBe(0)
    })
  })
}
