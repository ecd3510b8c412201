import type { ProductImporter, WebhookEvent, WebhookEventType } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { startReceiver } from './_receiver.js'
import { localWebhooks, verifiedNow } from './_webhook-sdk.js'
import { importerOn, onBothStorages } from './both-storages.js'
import { bytes } from './helpers.js'

async function withEndpoint(importer: ProductImporter, eventTypes: WebhookEventType[] = []) {
  const receiver = await startReceiver()
  const endpoint = await importer.webhooks.create({
    url: `${receiver.origin}/hooks`,
    eventTypes,
  })
  const events = () => receiver.received.map((request) => verifiedNow(request, endpoint.secret))
  return { receiver, endpoint, events }
}

onBothStorages((kind) => {
  describe('catalog changes made through the SDK', () => {
    it('arrive signed, as product.created, product.updated and product.deleted with the product', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const { events, receiver } = await withEndpoint(importer)

      const created = await importer.products.create({ sku: 'MUG-1', name: 'Mug', price: '7.50' })
      await importer.products.update(created.id, { quantity: 3 })
      await importer.products.delete(created.id)
      expect(await importer.webhooks.drain()).toBe(3)

      const byType = Object.fromEntries(events().map((event) => [event.type, event]))
      expect(Object.keys(byType).sort()).toEqual([
        'product.created',
        'product.deleted',
        'product.updated',
      ])
      expect(byType['product.created']?.data).toMatchObject({
        id: created.id,
        sku: 'MUG-1',
        name: 'Mug',
        price: '7.50',
        quantity: 0,
        active: true,
      })
      expect(byType['product.updated']?.data).toMatchObject({ id: created.id, quantity: 3 })
      expect(byType['product.deleted']?.data).toMatchObject({ id: created.id, sku: 'MUG-1' })
      // Each delivery has its own stable webhook-id.
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(3)
    })

    it('sends nothing for a change that failed (a SKU already taken)', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      await importer.products.create({ sku: 'MUG-1', name: 'Mug' })
      const other = await importer.products.create({ sku: 'MUG-2', name: 'Other mug' })
      const { receiver } = await withEndpoint(importer)

      await expect(importer.products.create({ sku: 'mug-1', name: 'Copy' })).rejects.toMatchObject({
        code: 'SKU_TAKEN',
      })
      await expect(importer.products.update(other.id, { sku: 'MUG-1' })).rejects.toMatchObject({
        code: 'SKU_TAKEN',
      })
      expect(await importer.webhooks.drain()).toBe(0)
      expect(receiver.received).toEqual([])
    })

    it('fires one product.deleted per product of a bulk delete, and products.deleted_all with its count', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const { events } = await withEndpoint(importer)
      const ids: string[] = []
      for (const sku of ['A', 'B', 'C', 'D'])
        ids.push((await importer.products.create({ sku, name: sku })).id)

      await importer.products.deleteMany(ids.slice(0, 2))
      await importer.products.deleteMatching({ ids: [ids[2]!] })
      await importer.products.deleteAll()
      await importer.webhooks.drain()

      const deleted = events().filter((event) => event.type === 'product.deleted')
      expect(deleted.map((event) => event.data.sku).sort()).toEqual(['A', 'B', 'C'])
      expect(events().filter((event) => event.type === 'products.deleted_all')).toEqual([
        expect.objectContaining({ data: { count: 1 } }),
      ])
    })

    it('fires product.updated for a replace and for each product setActive changes', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const a = await importer.products.create({ sku: 'A', name: 'A', quantity: 5 })
      await importer.products.create({ sku: 'B', name: 'B', active: false })
      const { events } = await withEndpoint(importer, ['product.updated'])

      await importer.products.replace(a.id, { sku: 'A', name: 'A again' })
      expect((await importer.products.setActive({ all: true }, false)).count).toBe(1)
      await importer.webhooks.drain()

      expect(events().map((event) => [event.type, event.data.name, event.data.active])).toEqual(
        expect.arrayContaining([
          ['product.updated', 'A again', true],
          ['product.updated', 'A again', false],
        ]),
      )
      expect(events()).toHaveLength(2)
    })

    it('delivers only the event types an endpoint subscribed to', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const { events } = await withEndpoint(importer, ['product.deleted'])
      const created = await importer.products.create({ sku: 'A', name: 'A' })
      await importer.products.delete(created.id)
      await importer.webhooks.drain()
      expect(events().map((event) => event.type)).toEqual(['product.deleted'])
    })
  })

  describe('imports', () => {
    const csv = 'sku,name,price\nA,Alpha,1.00\nB,Beta,2.00\nB,Beta again,2.50\n,No sku,1\n'

    it('fire import.started, then import.completed with the counts and the error report link', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const { events } = await withEndpoint(importer)
      const job = await importer.imports.create({ filename: 'shop.csv' })
      const summary = await importer.imports.run(job.id, bytes(csv))
      expect(summary.status).toBe('completed')
      await importer.webhooks.drain()

      // One event per import, not one per row.
      expect(events().map((event) => event.type)).toEqual(['import.started', 'import.completed'])
      expect(events()[1]?.data).toEqual({
        job_id: job.id,
        filename: 'shop.csv',
        dry_run: false,
        status: 'completed',
        rows: summary.rows,
        created: summary.created,
        updated: summary.updated,
        unchanged: summary.unchanged,
        invalid: summary.invalid,
        duplicates_in_file: summary.duplicatesInFile,
        errors_url: `/api/import/${job.id}/errors.csv`,
      })
      expect(summary.created).toBe(2)
      expect(summary.invalid).toBe(1)
    })

    it('fire nothing for a dry run, which changes nothing', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const { receiver } = await withEndpoint(importer)
      const job = await importer.imports.create({ dryRun: true })
      expect((await importer.imports.run(job.id, bytes(csv))).created).toBe(2)
      expect(await importer.webhooks.drain()).toBe(0)
      expect(receiver.received).toEqual([])
    })

    it('fire import.failed with the error, and import.cancelled for a job cancelled before it ran', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const { events } = await withEndpoint(importer, ['import.failed', 'import.cancelled'])
      const failing = await importer.imports.create()
      const summary = await importer.imports.run(failing.id, bytes('name,price\nMug,7.50\n'))
      expect(summary.status).toBe('failed')
      const pending = await importer.imports.create()
      await importer.imports.cancel(pending.id)
      await importer.webhooks.drain()

      const byType = Object.fromEntries(events().map((event) => [event.type, event.data]))
      expect(byType['import.failed']).toMatchObject({
        job_id: failing.id,
        status: 'failed',
        error: { code: 'MISSING_SKU_COLUMN' },
      })
      expect(byType['import.cancelled']).toMatchObject({ job_id: pending.id, status: 'cancelled' })
    })
  })

  describe('subscribe()', () => {
    it('hands the same events to in-process subscribers after the change commits', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const subscription = importer.webhooks.subscribe({ types: ['product.created'] })
      // Typed by the types asked for: data is the product, no cast needed.
      const received: WebhookEvent<'product.created'>[] = []
      const reading = (async () => {
        for await (const event of subscription) {
          received.push(event)
          if (received.length === 2) subscription.close()
        }
      })()
      await expect(importer.products.create({ sku: '', name: 'x' })).rejects.toThrow()
      await importer.products.create({ sku: 'A', name: 'Alpha' })
      await importer.products.update((await importer.products.getBySku('A'))!.id, { name: 'A2' })
      await importer.products.create({ sku: 'B', name: 'Beta' })
      await reading

      expect(received.map((event) => [event.type, event.data.sku])).toEqual([
        ['product.created', 'A'],
        ['product.created', 'B'],
      ])
      expect(received[0]?.id).toMatch(/^evt_/)
    })
  })
})

describe('an importer with no endpoint', () => {
  it('keeps working and queues nothing', async () => {
    const importer = await importerOn('sqlite', { webhooks: localWebhooks() })
    await importer.products.create({ sku: 'A', name: 'Alpha' })
    expect(await importer.webhooks.drain()).toBe(0)
    expect(await importer.webhooks.list()).toEqual([])
  })
})
