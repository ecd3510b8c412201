import { describe, expect, it } from 'vitest'
import { endpointRecord, expectImporterError, importRow } from './_fixtures.js'
import { writeBatches } from './_import-writer.js'
import { deliveries } from './_per-row-events.js'
import type { ConformanceTarget, CurrentTarget } from './types.js'

/** The per-row event records waiting, read without the adapter, oldest first. */
async function records(t: ConformanceTarget) {
  const rows = await t.raw(
    'SELECT event_type, endpoint_ids, product_ids FROM webhook_row_events ORDER BY id',
  )
  return rows.map((row) => ({
    type: String(row.event_type),
    endpointIds: JSON.parse(String(row.endpoint_ids)) as string[],
    productIds: (JSON.parse(String(row.product_ids)) as string[]).sort(),
  }))
}

/** The id of the product with this SKU, read without the adapter. */
async function productId(t: ConformanceTarget, sku: string): Promise<string> {
  const [row] = await t.raw('SELECT id FROM products WHERE sku = ?', [sku])
  return String(row?.id)
}

const skus = (batch: number, size: number) =>
  Array.from({ length: size }, (_, i) => `B${batch}-${String(i).padStart(3, '0')}`)

/**
 * How per-row events recorded by import batches become deliveries: once each, by whichever
 * dispatcher takes them, with the product as it is at expansion.
 */
export function describeRowEventExpansion(target: CurrentTarget): void {
  describe('per-row event expansion', () => {
    it('records a batch as one row per event type, and writes its deliveries only when expanded', async () => {
      const t = target()
      const endpoint = await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      await writeBatches(t, [
        [importRow('A-1', { name: 'A' }), importRow('B-1', { name: 'B' })],
        [importRow('A-1', { name: 'A2' }), importRow('C-1', { name: 'C' })],
      ])
      const [a, b, c] = [
        await productId(t, 'A-1'),
        await productId(t, 'B-1'),
        await productId(t, 'C-1'),
      ]
      // The first batch's record comes first; the two of the second, in either order.
      const [first, ...second] = await records(t)
      expect(first).toEqual({
        type: 'product.created',
        endpointIds: [endpoint.id],
        productIds: [a, b].sort(),
      })
      expect(second.sort((x, y) => (x.type < y.type ? -1 : 1))).toEqual([
        { type: 'product.created', endpointIds: [endpoint.id], productIds: [c] },
        { type: 'product.updated', endpointIds: [endpoint.id], productIds: [a] },
      ])
      expect(await t.raw('SELECT id FROM webhook_deliveries')).toEqual([])
      // Waiting events are due now: a dispatcher's loop looks at once.
      const now = new Date()
      expect(await t.storage.nextDeliveryDue(now)).toEqual(now)

      expect(await t.storage.expandRowEvents()).toBe(4)
      expect(await records(t)).toEqual([])
      expect(await t.storage.expandRowEvents()).toBe(0)
      const stored = await deliveries(t)
      expect(stored.map((d) => `${d.sku}:${d.type}`)).toEqual([
        'A-1:product.created',
        'A-1:product.updated',
        'B-1:product.created',
        'C-1:product.created',
      ])
    })

    it('expands only what a claim needs, oldest batch first, before claiming', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      await writeBatches(
        t,
        [1, 2, 3].map((n) => skus(n, 5).map((sku) => importRow(sku, { name: sku }))),
      )
      const claimed = await t.storage.claimDeliveries({
        owner: 'd1',
        now: new Date(Date.now() + 60_000),
        leaseMs: 60_000,
        limit: 7,
      })
      // Two batches of five expanded for a claim of seven; the third still waits.
      expect(claimed).toHaveLength(7)
      expect(claimed.every((c) => c.delivery.eventType === 'product.created')).toBe(true)
      expect((await records(t)).map((r) => r.productIds.length)).toEqual([5])
      expect(await t.raw('SELECT id FROM webhook_deliveries')).toHaveLength(10)
    })

    it('expands each batch exactly once with several dispatchers at once', async () => {
      const t = target()
      const first = await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      const second = await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      const batches = Array.from({ length: 8 }, (_, n) =>
        skus(n, 25).map((sku) => importRow(sku, { name: sku })),
      )
      await writeBatches(t, batches)
      const later = new Date(Date.now() + 60_000)
      await Promise.all([
        ...['a', 'b', 'c', 'd'].map((owner) =>
          t.storage.claimDeliveries({ owner, now: later, leaseMs: 60_000, limit: 30 }),
        ),
        t.storage.expandRowEvents(),
        t.storage.expandRowEvents({ atLeast: 60 }),
      ])
      expect(await t.storage.expandRowEvents()).toBe(0)
      const stored = await deliveries(t)
      expect(stored).toHaveLength(8 * 25 * 2)
      const pairs = stored.map((d) => `${d.sku} ${d.endpointId}`)
      expect(new Set(pairs).size).toBe(stored.length)
      expect(new Set(stored.map((d) => d.id)).size).toBe(stored.length)
      expect(new Set(stored.map((d) => d.endpointId))).toEqual(new Set([first.id, second.id]))
    })

    it('leaves the events of an expansion that fails for the next one, which writes each once', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      await writeBatches(t, [skus(1, 3).map((sku) => importRow(sku, { name: sku }))])
      // The second delivery breaks this index, after the first was written.
      await t.raw('CREATE UNIQUE INDEX one_delivery_per_type ON webhook_deliveries (event_type)')
      await expectImporterError(t.storage.expandRowEvents(), 'STORAGE_FAILED')
      expect(await t.raw('SELECT id FROM webhook_deliveries')).toEqual([])
      expect(await records(t)).toHaveLength(1)
      await t.raw('DROP INDEX one_delivery_per_type')
      expect(await t.storage.expandRowEvents()).toBe(3)
      expect((await deliveries(t)).map((d) => d.sku)).toEqual(skus(1, 3))
    })

    it('sends a product changed before expansion as it is then, and none for a product or endpoint deleted', async () => {
      const t = target()
      const kept = await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      const gone = await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      await writeBatches(t, [
        [importRow('A-1', { name: 'A' }), importRow('B-1', { name: 'B', quantity: 1 })],
      ])
      const batchTime = (await t.storage.getProduct(await productId(t, 'B-1')))!.updatedAt
      await t.storage.deleteProducts([await productId(t, 'A-1')])
      const changedAt = new Date(batchTime.getTime() + 5000)
      await t.storage.updateProduct(await productId(t, 'B-1'), {
        quantity: 9,
        updatedAt: changedAt,
      })
      await t.storage.deleteWebhookEndpoint(gone.id)

      expect(await t.storage.expandRowEvents()).toBe(1)
      const [only, ...rest] = await deliveries(t)
      expect(rest).toEqual([])
      expect(only).toMatchObject({ sku: 'B-1', type: 'product.created', endpointId: kept.id })
      const body = JSON.parse(only!.payload) as {
        timestamp: string
        data: { quantity: number; updated_at: string }
      }
      // Timestamped at the batch, carrying the product as stored at expansion.
      expect(body.timestamp).toBe(batchTime.toISOString())
      expect(only!.createdAt).toEqual(batchTime)
      expect(body.data).toMatchObject({ quantity: 9, updated_at: changedAt.toISOString() })
    })
  })
}
