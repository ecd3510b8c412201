import { createProductImporter, type ProductEventData, toOutboxEvent } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import { describe, expect, inject, it } from 'vitest'
import { closeAfter, startReceiver } from './_receiver.js'
import { localWebhooks, verifiedNow } from './_webhook-sdk.js'
import { freshPgUrl } from './both-storages.js'
import { bytes } from './helpers.js'

const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''

/** Three importers, as three app instances would run them, on the database at `url`. */
async function threeInstances(url: string) {
  const importers = ['a', 'b', 'c'].map((instanceId) => {
    const importer = createProductImporter({
      storage: pgStorage({ connectionString: url }),
      webhooks: localWebhooks({ instanceId }),
    })
    closeAfter(importer)
    return importer
  })
  for (const importer of importers) await importer.storage.migrate()
  return importers
}

describe.skipIf(!PG_URL)('several instances on one PostgreSQL database', () => {
  it('deliver every event exactly once between them', async () => {
    const url = await freshPgUrl()
    const importers = await threeInstances(url)
    const seen = new Map<string, number>()
    const receiver = await startReceiver((request, response) => {
      const id = String(request.headers['webhook-id'])
      seen.set(id, (seen.get(id) ?? 0) + 1)
      response.writeHead(204).end()
    })
    const [first] = importers
    await first!.webhooks.create({ url: `${receiver.origin}/in` })

    const events = Array.from({ length: 900 }, (_, i) =>
      toOutboxEvent('product.created', { sku: `SKU-${i}` } as ProductEventData, new Date()),
    )
    for (let i = 0; i < events.length; i += 100) {
      await first!.storage.enqueueEvents(events.slice(i, i + 100))
    }

    const sent = await Promise.all(importers.map((importer) => importer.webhooks.drain()))
    expect(sent.reduce((a, b) => a + b, 0)).toBe(900)
    expect(seen.size).toBe(900)
    expect([...seen.values()].every((count) => count === 1)).toBe(true)
    // Every instance took part.
    expect(sent.every((count) => count > 0)).toBe(true)
  })

  it("expand an import's per-row events once between them, each delivery signed", async () => {
    const url = await freshPgUrl()
    const importers = await threeInstances(url)
    const receiver = await startReceiver()
    const [first] = importers
    const endpoint = await first!.webhooks.create({
      url: `${receiver.origin}/rows`,
      eventTypes: ['product.created'],
      perRowEvents: true,
    })
    const lines = Array.from({ length: 600 }, (_, i) => `SKU-${i},Item ${i}`)
    const job = await first!.imports.create({ filename: 'rows.csv' })
    // Twelve batches, so twelve records for the instances to share.
    await first!.imports.run(job.id, bytes(`sku,name\n${lines.join('\n')}\n`), { batchSize: 50 })

    const sent = await Promise.all(importers.map((importer) => importer.webhooks.drain()))
    expect(sent.reduce((a, b) => a + b, 0)).toBe(600)
    const skus = receiver.received.map(
      (request) => verifiedNow(request, endpoint.secret).data.sku as string,
    )
    expect(skus).toHaveLength(600)
    expect(new Set(skus).size).toBe(600)
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(600)
  })
})
