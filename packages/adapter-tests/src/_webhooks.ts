import { describe, expect, it } from 'vitest'
import {
  endpointRecord,
  expectImporterError,
  insertProducts,
  jobRecord,
  outboxEvent,
  productRecord,
} from './_fixtures.js'
import type { ConformanceTarget, CurrentTarget } from './types.js'

const NOW = new Date(Date.UTC(2024, 5, 1, 12))
const later = (ms: number) => new Date(NOW.getTime() + ms)

/** Deliveries as stored, read without the adapter: `endpoint id:event type`, sorted. */
async function deliveries(t: ConformanceTarget): Promise<string[]> {
  const rows = await t.raw('SELECT endpoint_id, event_type FROM webhook_deliveries')
  return rows.map((r) => `${r.endpoint_id}:${r.event_type}`).sort()
}

/** The endpoints, the outbox and its lease: webhooks as every database must keep them. */
export function describeWebhooks(target: CurrentTarget): void {
  describe('webhooks', () => {
    it('stores endpoints and reads them back; deleting one deletes its deliveries', async () => {
      const t = target()
      const a = await t.storage.createWebhookEndpoint(
        endpointRecord({ eventTypes: ['product.created', 'import.completed'], rateLimit: 5 }),
      )
      const b = await t.storage.createWebhookEndpoint(endpointRecord())
      expect(await t.storage.getWebhookEndpoint(a.id)).toEqual(a)
      expect((await t.storage.listWebhookEndpoints()).map((e) => e.id)).toEqual([a.id, b.id])
      const changed = await t.storage.updateWebhookEndpoint(a.id, {
        active: false,
        eventTypes: [],
        disabledReason: 'the receiver answered 410 Gone',
      })
      expect(changed).toMatchObject({ active: false, eventTypes: [], rateLimit: 5 })
      expect(changed?.disabledReason).toBe('the receiver answered 410 Gone')
      expect(await t.storage.updateWebhookEndpoint('missing', { active: true })).toBeUndefined()

      await t.storage.enqueueEvents([outboxEvent('product.created', { endpointId: a.id })])
      const [claimed] = await t.storage.claimDeliveries({
        owner: 'd1',
        now: later(60_000),
        leaseMs: 1000,
        limit: 5,
        ids: (await t.storage.listDeliveries(a.id)).map((d) => d.id),
      })
      await t.storage.recordAttempt({
        owner: 'd1',
        attempt: {
          deliveryId: claimed!.delivery.id,
          endpointId: a.id,
          eventType: 'product.created',
          statusCode: 200,
          responseTimeMs: 3,
          errorMessage: null,
          responseBody: 'ok',
          createdAt: later(60_000),
        },
        status: 'delivered',
        nextAttemptAt: later(60_000),
        endpoint: { succeeded: true },
      })
      expect(await t.storage.deleteWebhookEndpoint(a.id)).toBe(true)
      expect(await t.storage.deleteWebhookEndpoint(a.id)).toBe(false)
      expect(await t.raw('SELECT id FROM webhook_deliveries')).toEqual([])
      expect(await t.raw('SELECT id FROM webhook_attempts')).toEqual([])
      expect((await t.storage.listWebhookEndpoints()).map((e) => e.id)).toEqual([b.id])
    })

    it('writes one delivery per endpoint that receives an event', async () => {
      const t = target()
      const all = await t.storage.createWebhookEndpoint(endpointRecord({ id: 'all' }))
      await t.storage.createWebhookEndpoint(
        endpointRecord({ id: 'created', eventTypes: ['product.created'] }),
      )
      // Turned off by hand: it keeps events (not per-row ones) for when it is turned on again.
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'off', active: false }))
      // Turned off by the dispatcher: its receiver is gone, nothing is kept for it.
      await t.storage.createWebhookEndpoint(
        endpointRecord({ id: 'gone', active: false, disabledReason: 'answered 410 Gone' }),
      )
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'rows', perRowEvents: true }))
      const written = await t.storage.enqueueEvents([
        outboxEvent('product.created'),
        outboxEvent('product.deleted'),
        outboxEvent('product.updated', { perRow: true }),
        outboxEvent('webhook.test', { endpointId: 'off' }),
      ])
      expect(written).toBe(9)
      expect(await deliveries(t)).toEqual([
        'all:product.created',
        'all:product.deleted',
        'created:product.created',
        'off:product.created',
        'off:product.deleted',
        'off:webhook.test',
        'rows:product.created',
        'rows:product.deleted',
        'rows:product.updated',
      ])
      const [delivery] = await t.storage.listDeliveries(all.id, { status: 'pending' })
      expect(delivery).toMatchObject({
        status: 'pending',
        attempts: 0,
        eventType: 'product.deleted',
      })
      expect(delivery?.id).toMatch(/^msg_/)
      expect(JSON.parse(delivery!.payload)).toMatchObject({ type: 'product.deleted' })
    })

    it('sets active on a chunk of products in one write with their deliveries, skipping those that have it', async () => {
      const t = target()
      if (!t.storage.setProductsActive) return
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'e' }))
      const products = await insertProducts(t, 4, (i) => ({ active: i !== 3 }))
      const ids = [...products.map((p) => p.id), 'missing']
      const at = NOW
      const result = await t.storage.setProductsActive(ids, false, at, (changed) =>
        changed.map((p) =>
          outboxEvent('product.updated', { payload: `${p.sku}:${p.active}:${+p.updatedAt}` }),
        ),
      )
      expect(result).toEqual({ changed: 3, notFound: ['missing'] })
      const rows = await t.raw(
        "SELECT payload FROM webhook_deliveries WHERE event_type = 'product.updated' ORDER BY payload",
      )
      expect(rows.map((r) => r.payload)).toEqual(
        products
          .slice(0, 3)
          .map((p) => `${p.sku}:false:${+at}`)
          .sort(),
      )
      const stored = await t.raw('SELECT sku, active FROM products ORDER BY sku')
      expect(stored.map((r) => Boolean(r.active))).toEqual([false, false, false, false])
      // Nothing left to change: no write, no event.
      expect(await t.storage.setProductsActive(ids, false, at, () => [outboxEvent('x')])).toEqual({
        changed: 0,
        notFound: ['missing'],
      })
      expect(await t.raw("SELECT id FROM webhook_deliveries WHERE event_type = 'x'")).toEqual([])
    })

    it('writes the deliveries of a change in its transaction, and none when it fails', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'e' }))
      const record = productRecord({ sku: 'HOOK-1' })
      await t.storage.insertProduct(record, [outboxEvent('product.created')])
      await expectImporterError(
        t.storage.insertProduct(productRecord({ sku: 'hook-1' }), [outboxEvent('product.created')]),
        'SKU_TAKEN',
      )
      const updated = await t.storage.updateProduct(
        record.id,
        { name: 'Renamed', updatedAt: new Date() },
        (product) => [outboxEvent('product.updated', { payload: JSON.stringify(product.name) })],
      )
      expect(updated?.name).toBe('Renamed')
      await t.storage.updateProduct('missing', { name: 'x', updatedAt: new Date() }, () => [
        outboxEvent('product.updated'),
      ])
      const [other] = await insertProducts(t, 2)
      await t.storage.deleteProducts([record.id, other!.id], (deleted) =>
        deleted.map((p) => outboxEvent('product.deleted', { payload: p.sku })),
      )
      const removed = await t.storage.deleteAllProducts((count) => [
        outboxEvent('products.deleted_all', { payload: String(count) }),
      ])
      expect(removed).toBe(1)
      const job = jobRecord()
      await t.storage.createJob(job)
      await t.storage.updateJob(job.id, { status: 'completed' }, [outboxEvent('import.completed')])
      const rows = await t.raw(
        'SELECT event_type, payload FROM webhook_deliveries ORDER BY event_type, payload',
      )
      expect(rows.map((r) => [r.event_type, r.payload])).toEqual([
        ['import.completed', expect.any(String)],
        ['product.created', expect.any(String)],
        ['product.deleted', 'HOOK-1'],
        ['product.deleted', other!.sku],
        ['product.updated', JSON.stringify('Renamed')],
        ['products.deleted_all', '1'],
      ])
    })

    it('leases each due delivery to one dispatcher until the lease ends', async () => {
      const t = target()
      const on = await t.storage.createWebhookEndpoint(endpointRecord())
      const off = await t.storage.createWebhookEndpoint(endpointRecord({ active: false }))
      await t.storage.enqueueEvents([
        outboxEvent('a', { createdAt: NOW }),
        outboxEvent('b', { createdAt: later(1) }),
        outboxEvent('c', { createdAt: later(2) }),
        outboxEvent('future', { createdAt: later(3_600_000) }),
        outboxEvent('off', { createdAt: NOW, endpointId: off.id }),
      ])
      const claim = (owner: string, now: Date, limit = 10) =>
        t.storage.claimDeliveries({ owner, now, leaseMs: 30_000, limit })
      const first = await claim('one', later(10), 2)
      expect(first.map((c) => c.delivery.eventType)).toEqual(['a', 'b'])
      expect(first[0]?.endpoint.id).toBe(on.id)
      expect((await claim('two', later(10))).map((c) => c.delivery.eventType)).toEqual(['c'])
      expect(await claim('three', later(20))).toEqual([])
      expect(await t.storage.nextDeliveryDue(later(20))).toEqual(later(10 + 30_000))
      const again = await claim('four', later(40_000))
      expect(again.map((c) => c.delivery.eventType)).toEqual(['a', 'b', 'c'])
      // The endpoint that is off kept its events (a, b, c, future) but none was claimed above.
      const offDelivery = (await t.storage.listDeliveries(off.id)).find(
        (delivery) => delivery.eventType === 'off',
      )
      const forced = await t.storage.claimDeliveries({
        owner: 'test',
        now: NOW,
        leaseMs: 1000,
        limit: 1,
        ids: [offDelivery!.id],
      })
      expect(forced.map((c) => c.delivery.eventType)).toEqual(['off'])
    })

    it('gives each delivery to one of several dispatchers claiming at once', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord())
      await t.storage.enqueueEvents(
        Array.from({ length: 30 }, (_, i) => outboxEvent(`e${i}`, { createdAt: later(i) })),
      )
      const claims = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((owner) =>
          t.storage.claimDeliveries({ owner, now: later(100), leaseMs: 60_000, limit: 8 }),
        ),
      )
      const ids = claims.flat().map((c) => c.delivery.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(30)
    })

    it('records an attempt for the lease holder only, counting the endpoint failures', async () => {
      const t = target()
      const endpoint = await t.storage.createWebhookEndpoint(endpointRecord())
      await t.storage.enqueueEvents([outboxEvent('product.created', { createdAt: NOW })])
      const [{ delivery } = {} as never] = await t.storage.claimDeliveries({
        owner: 'holder',
        now: NOW,
        leaseMs: 30_000,
        limit: 1,
      })
      const attempt = (statusCode: number | null, at: Date) => ({
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        eventType: 'product.created',
        statusCode,
        responseTimeMs: 12,
        errorMessage: statusCode === 200 ? null : 'the receiver answered 500',
        responseBody: 'body',
        createdAt: at,
      })
      const failed = {
        attempt: attempt(500, NOW),
        status: 'pending' as const,
        nextAttemptAt: later(5000),
        endpoint: { succeeded: false },
      }
      expect(await t.storage.recordAttempt({ ...failed, owner: 'intruder' })).toBe(false)
      expect(await t.storage.listAttempts(endpoint.id)).toEqual([])
      expect(await t.storage.recordAttempt({ ...failed, owner: 'holder' })).toBe(true)
      expect(await t.storage.recordAttempt({ ...failed, owner: 'holder' })).toBe(false)
      expect(await t.storage.getDelivery(delivery.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: later(5000),
        lastStatusCode: 500,
        lastError: 'the receiver answered 500',
      })
      expect(await t.storage.getWebhookEndpoint(endpoint.id)).toMatchObject({
        failureCount: 1,
        failingSince: NOW,
        active: true,
      })

      await t.storage.claimDeliveries({ owner: 'h2', now: later(5000), leaseMs: 1000, limit: 1 })
      await t.storage.recordAttempt({
        owner: 'h2',
        attempt: attempt(410, later(5000)),
        status: 'failed',
        nextAttemptAt: later(5000),
        endpoint: { succeeded: false, disable: 'the receiver answered 410 Gone' },
      })
      expect(await t.storage.getWebhookEndpoint(endpoint.id)).toMatchObject({
        failureCount: 2,
        failingSince: NOW,
        active: false,
        disabledReason: 'the receiver answered 410 Gone',
      })
      expect(await t.storage.getDelivery(delivery.id)).toMatchObject({
        status: 'failed',
        attempts: 2,
        finishedAt: later(5000),
      })
      expect((await t.storage.listAttempts(endpoint.id)).map((a) => a.statusCode)).toEqual([
        410, 500,
      ])
    })

    it('records several attempts in one call, each only for its lease holder', async () => {
      const t = target()
      const endpoint = await t.storage.createWebhookEndpoint(endpointRecord())
      await t.storage.enqueueEvents([
        outboxEvent('a', { createdAt: NOW }),
        outboxEvent('b', { createdAt: later(1) }),
      ])
      const claimed = await t.storage.claimDeliveries({
        owner: 'one',
        now: later(10),
        leaseMs: 30_000,
        limit: 10,
      })
      const result = (deliveryId: string, owner: string) => ({
        owner,
        attempt: {
          deliveryId,
          endpointId: endpoint.id,
          eventType: 'a',
          statusCode: 204,
          responseTimeMs: 2,
          errorMessage: null,
          responseBody: null,
          createdAt: later(20),
        },
        status: 'delivered' as const,
        nextAttemptAt: later(20),
        endpoint: { succeeded: true },
      })
      const [a, b] = claimed.map((c) => c.delivery.id)
      expect(await t.storage.recordAttempts([result(a!, 'one'), result(b!, 'other')])).toEqual([
        true,
        false,
      ])
      expect((await t.storage.listDeliveries(endpoint.id)).map((d) => d.status).sort()).toEqual([
        'delivered',
        'pending',
      ])
      expect((await t.storage.listAttempts(endpoint.id)).length).toBe(1)
    })

    it('adds up an endpoint failure run across a group of attempts, in their order', async () => {
      const t = target()
      const endpoint = await t.storage.createWebhookEndpoint(endpointRecord())
      await t.storage.enqueueEvents(
        ['a', 'b', 'c', 'd'].map((type, i) => outboxEvent(type, { createdAt: later(i) })),
      )
      const claimed = await t.storage.claimDeliveries({
        owner: 'g',
        now: later(10),
        leaseMs: 30_000,
        limit: 10,
      })
      const outcome = (index: number, ok: boolean) => ({
        owner: 'g',
        attempt: {
          deliveryId: claimed[index]!.delivery.id,
          endpointId: endpoint.id,
          eventType: claimed[index]!.delivery.eventType,
          statusCode: ok ? 204 : 500,
          responseTimeMs: 1,
          errorMessage: ok ? null : 'the receiver answered 500',
          responseBody: null,
          createdAt: later(100 + index),
        },
        status: ok ? ('delivered' as const) : ('pending' as const),
        nextAttemptAt: later(5000),
        endpoint: { succeeded: ok },
      })
      await t.storage.recordAttempts([outcome(0, false), outcome(1, false)])
      expect(await t.storage.getWebhookEndpoint(endpoint.id)).toMatchObject({
        failureCount: 2,
        failingSince: later(100),
      })
      await t.storage.recordAttempts([outcome(2, true), outcome(3, false)])
      expect(await t.storage.getWebhookEndpoint(endpoint.id)).toMatchObject({
        failureCount: 1,
        failingSince: later(103),
      })
      const stored = await t.storage.listDeliveries(endpoint.id)
      expect(stored.map((d) => [d.eventType, d.status, d.attempts, d.lastStatusCode])).toEqual([
        ['d', 'pending', 1, 500],
        ['c', 'delivered', 1, 204],
        ['b', 'pending', 1, 500],
        ['a', 'pending', 1, 500],
      ])
    })

    it('queues deliveries again, one or every failed since a time, and prunes old ones', async () => {
      const t = target()
      const endpoint = await t.storage.createWebhookEndpoint(endpointRecord())
      await t.storage.enqueueEvents([
        outboxEvent('old', { createdAt: NOW }),
        outboxEvent('new', { createdAt: later(60_000) }),
      ])
      const finish = async (status: 'failed' | 'delivered', at: Date) => {
        for (const { delivery } of await t.storage.claimDeliveries({
          owner: 'd',
          now: at,
          leaseMs: 1000,
          limit: 10,
        })) {
          await t.storage.recordAttempt({
            owner: 'd',
            attempt: {
              deliveryId: delivery.id,
              endpointId: endpoint.id,
              eventType: delivery.eventType,
              statusCode: status === 'failed' ? 500 : 204,
              responseTimeMs: 1,
              errorMessage: null,
              responseBody: null,
              createdAt: at,
            },
            status,
            nextAttemptAt: at,
            endpoint: { succeeded: status === 'delivered' },
          })
        }
      }
      await finish('failed', later(120_000))
      expect(
        await t.storage.requeueDeliveries({
          endpointId: endpoint.id,
          now: later(130_000),
          failedSince: later(30_000),
        }),
      ).toBe(1)
      const pending = await t.storage.listDeliveries(endpoint.id, { status: 'pending' })
      expect(pending.map((d) => [d.eventType, d.nextAttemptAt])).toEqual([['new', later(130_000)]])
      const [old] = await t.storage.listDeliveries(endpoint.id, { status: 'failed' })
      expect(
        await t.storage.requeueDeliveries({
          endpointId: endpoint.id,
          now: later(140_000),
          deliveryId: old!.id,
        }),
      ).toBe(1)
      expect(await t.storage.getDelivery(old!.id)).toMatchObject({ status: 'pending' })
      await finish('delivered', later(150_000))
      expect((await t.storage.listDeliveries(endpoint.id)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ])
      expect(await t.storage.pruneWebhooks(later(145_000))).toBe(2)
      expect((await t.storage.listAttempts(endpoint.id)).length).toBe(2)
      expect(await t.storage.pruneWebhooks(later(200_000))).toBe(4)
      expect(await t.storage.listDeliveries(endpoint.id)).toEqual([])
    })

    it('writes the events of a job claim with the claim, and none for a claim that lost', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'e' }))
      const job = jobRecord({ status: 'pending', startedAt: null })
      await t.storage.createJob(job)
      const started = (claimed: { id: string }) => [
        outboxEvent('import.started', { payload: claimed.id }),
      ]
      const claims = await Promise.all(
        [1, 2, 3].map(() => t.storage.claimJob(job.id, later(1000), 'owner-1', started)),
      )
      expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1)
      // The owner is set by the same claim that writes the events.
      expect(claims.find((claim) => claim !== undefined)?.ownerId).toBe('owner-1')
      expect(await t.storage.claimJob('missing', later(1000), undefined, started)).toBeUndefined()
      const rows = await t.raw('SELECT event_type, payload FROM webhook_deliveries')
      expect(rows.map((r) => [r.event_type, r.payload])).toEqual([['import.started', job.id]])
    })
  })
}
