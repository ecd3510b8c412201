import { PAUSED_ENDPOINT_EVENTS_KEPT } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { startReceiver } from './_receiver.js'
import { localWebhooks, verifiedNow } from './_webhook-sdk.js'
import { importerOn, onBothStorages } from './both-storages.js'

onBothStorages((kind) => {
  describe('an endpoint turned off by hand', () => {
    it('receives the events of its pause once turned on again', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const receiver = await startReceiver()
      const endpoint = await importer.webhooks.create({ url: `${receiver.origin}/in` })
      const lamp = await importer.products.create({ sku: 'LAMP-1', name: 'Lamp' })
      expect(await importer.webhooks.drain()).toBe(1)

      await importer.webhooks.update(endpoint.id, { active: false })
      await importer.products.update(lamp.id, { name: 'Brass lamp' })
      await importer.products.create({ sku: 'DESK-1', name: 'Desk' })
      // Nothing goes out while it is off, and nothing is lost either.
      expect(await importer.webhooks.drain()).toBe(0)
      expect(receiver.received).toHaveLength(1)
      expect(await importer.webhooks.deliveries(endpoint.id)).toHaveLength(3)

      await importer.webhooks.update(endpoint.id, { active: true })
      expect(await importer.webhooks.drain()).toBe(2)
      const sent = receiver.received.slice(1).map((r) => verifiedNow(r, endpoint.secret))
      expect(sent.map((event) => `${event.type} ${event.data.sku}`).sort()).toEqual([
        'product.created DESK-1',
        'product.updated LAMP-1',
      ])
      expect(sent.find((event) => event.type === 'product.updated')?.data.name).toBe('Brass lamp')
    })

    it(`keeps at most ${PAUSED_ENDPOINT_EVENTS_KEPT} events of a pause, the first ones`, async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const receiver = await startReceiver()
      const paused = await importer.webhooks.create({ url: `${receiver.origin}/paused` })
      const on = await importer.webhooks.create({ url: `${receiver.origin}/on` })
      await importer.webhooks.update(paused.id, { active: false })
      const n = PAUSED_ENDPOINT_EVENTS_KEPT + 5
      for (let i = 0; i < n; i++) {
        await importer.products.create({ sku: `P-${i}`, name: `P ${i}` })
      }
      const kept = await importer.webhooks.deliveries(paused.id, { limit: 2000 })
      expect(kept).toHaveLength(PAUSED_ENDPOINT_EVENTS_KEPT)
      // An active endpoint gets every event; a test is always sent, full or not.
      expect(await importer.webhooks.deliveries(on.id, { limit: 2000 })).toHaveLength(n)
      const test = await importer.webhooks.test(paused.id)
      expect(test).toMatchObject({ ok: true })

      await importer.webhooks.update(paused.id, { active: true })
      await importer.webhooks.drain()
      const skus = receiver.received
        .filter((r) => r.path === '/paused')
        .map((r) => JSON.parse(r.body) as { type: string; data: { sku?: string } })
        .filter((event) => event.type === 'product.created')
        .map((event) => event.data.sku)
      expect(skus).toHaveLength(PAUSED_ENDPOINT_EVENTS_KEPT)
      const first = Array.from({ length: PAUSED_ENDPOINT_EVENTS_KEPT }, (_, i) => `P-${i}`)
      expect(new Set(skus)).toEqual(new Set(first))
    }, 120_000)

    it('keeps nothing for an endpoint the dispatcher turned off (its receiver said it is gone)', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const receiver = await startReceiver((_, res) => res.writeHead(410).end())
      const gone = await importer.webhooks.create({ url: `${receiver.origin}/gone` })
      await importer.products.create({ sku: 'A', name: 'A' })
      await importer.webhooks.drain()
      const disabled = await importer.webhooks.get(gone.id)
      expect(disabled).toMatchObject({ active: false })
      expect(disabled?.disabledReason).toBeTruthy()
      await importer.products.create({ sku: 'B', name: 'B' })
      expect(await importer.webhooks.deliveries(gone.id)).toHaveLength(1)
    })
  })
})
