import { toProductWire } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { startReceiver } from './_receiver.js'
import { localWebhooks, verifiedNow } from './_webhook-sdk.js'
import { importerOn, onBothStorages } from './both-storages.js'
import { bytes } from './helpers.js'

onBothStorages((kind) => {
  describe('per-row import events', () => {
    it('send each product an import created or updated once, signed, as it is stored', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const receiver = await startReceiver()
      const endpoint = await importer.webhooks.create({
        url: `${receiver.origin}/rows`,
        eventTypes: ['product.created', 'product.updated'],
        perRowEvents: true,
      })
      const events = () => receiver.received.map((request) => verifiedNow(request, endpoint.secret))

      const first = await importer.imports.create({ filename: 'a.csv' })
      await importer.imports.run(first.id, bytes('sku,name,price\nA,Alpha,1.00\nB,Beta,2.00\n'))
      expect(await importer.webhooks.drain()).toBe(2)
      const second = await importer.imports.create({ filename: 'b.csv' })
      // A changes, B is unchanged, C is new.
      await importer.imports.run(
        second.id,
        bytes('sku,name,price\nA,Alpha,1.50\nB,Beta,2.00\nC,Gamma,3.00\n'),
      )
      expect(await importer.webhooks.drain()).toBe(2)

      const sent = events().map((event) => `${event.type} ${event.data.sku} ${event.data.price}`)
      expect(sent.sort()).toEqual([
        'product.created A 1.00',
        'product.created B 2.00',
        'product.created C 3.00',
        'product.updated A 1.50',
      ])
      const { items } = await importer.products.list()
      for (const event of events().filter((e) => e.data.sku !== 'A')) {
        // The same product as the REST API's JSON, field for field.
        expect(event.data).toEqual(toProductWire(items.find((p) => p.sku === event.data.sku)!))
      }
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(4)
    })
  })
})
