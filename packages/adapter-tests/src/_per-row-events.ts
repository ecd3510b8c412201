import { productEventData, toWebhookBody } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { endpointRecord, importRow } from './_fixtures.js'
import { writeBatches } from './_import-writer.js'
import type { ConformanceTarget, CurrentTarget } from './types.js'

/** A time column as either driver returns it: a Date, or milliseconds. */
const toDate = (value: unknown): Date =>
  value instanceof Date ? value : new Date(Number(value as string | number))

/**
 * The deliveries as stored once the per-row events waiting were expanded, read without the
 * adapter, by SKU, event type and endpoint.
 */
export async function deliveries(t: ConformanceTarget) {
  await t.storage.expandRowEvents()
  const rows = await t.raw(
    `SELECT id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at,
      created_at FROM webhook_deliveries`,
  )
  return rows
    .map((row) => ({
      id: String(row.id),
      endpointId: String(row.endpoint_id),
      eventId: String(row.event_id),
      type: String(row.event_type),
      payload: String(row.payload),
      status: String(row.status),
      attempts: Number(row.attempts),
      nextAttemptAt: toDate(row.next_attempt_at),
      createdAt: toDate(row.created_at),
      sku: (JSON.parse(String(row.payload)) as { data: { sku: string } }).data.sku,
    }))
    .sort((a, b) => {
      const x = `${a.sku} ${a.type} ${a.endpointId}`
      const y = `${b.sku} ${b.type} ${b.endpointId}`
      return x < y ? -1 : x > y ? 1 : 0
    })
}

/** A list column as raw SQL reads it: JSON text (SQLite) or parsed `jsonb` (PostgreSQL). */
const listOf = (value: unknown): string[] =>
  typeof value === 'string' ? JSON.parse(value) : (value as string[])

/** The body a delivery of this product must carry: the stored product, read without the adapter. */
async function expectedBody(t: ConformanceTarget, sku: string, type: string): Promise<string> {
  const [row] = await t.raw(
    `SELECT id, sku, sku_key, name, description, CAST(price_cents AS TEXT) AS price, quantity,
      active, barcode, brand, category, tags, images,
      CAST(compare_at_price_cents AS TEXT) AS compare_at_price, weight_grams, variant_group,
      created_at, updated_at FROM products WHERE sku = ?`,
    [sku],
  )
  if (!row) throw new Error(`no product ${sku}`)
  const updatedAt = toDate(row.updated_at)
  const data = productEventData({
    id: String(row.id),
    sku: String(row.sku),
    skuKey: String(row.sku_key),
    name: String(row.name),
    description: String(row.description),
    priceCents: row.price === null ? null : Number(row.price),
    quantity: Number(row.quantity),
    active: row.active === true || Number(row.active) === 1,
    barcode: row.barcode as string | null,
    brand: row.brand as string | null,
    category: row.category as string | null,
    tags: listOf(row.tags),
    images: listOf(row.images),
    compareAtPriceCents: row.compare_at_price === null ? null : Number(row.compare_at_price),
    weightGrams: row.weight_grams === null ? null : Number(row.weight_grams),
    group: row.variant_group as string | null,
    createdAt: toDate(row.created_at),
    updatedAt,
  })
  return toWebhookBody(type as 'product.created', data, updatedAt)
}

// Text JSON must escape, and text it must leave alone, in one description.
const AWKWARD = 'say "hi"\\ \n\ttab \u0001 \u001f é 💡 </script>'

/**
 * Per-row `product.created` / `product.updated` events of an import: recorded with each batch,
 * in its transaction, for the endpoints that opted in only, and expanded into deliveries with
 * the very bytes core builds.
 */
export function describePerRowEvents(target: CurrentTarget): void {
  describe('per-row import events', () => {
    it('writes one delivery per created or updated row to an opted-in endpoint, none for unchanged rows', async () => {
      const t = target()
      const rows = await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      const [first] = await writeBatches(t, [
        [
          importRow('A-1', { name: 'A', priceCents: 5, quantity: -3, active: false }),
          importRow('B-1', { name: 'B', description: AWKWARD, priceCents: null }),
        ],
      ])
      expect(first).toMatchObject({ created: 2 })
      // Expanded before the next batch changes A-1, as a running dispatcher would.
      expect(await t.storage.expandRowEvents()).toBe(2)
      const [second] = await writeBatches(t, [
        [
          importRow('A-1', { name: 'A', priceCents: 123_456_789 }),
          importRow('B-1', { name: 'B' }),
          importRow('C-1', { name: 'C', priceCents: 1000, active: true }),
        ],
      ])
      expect(second).toMatchObject({ created: 1, updated: 1, unchanged: 1 })

      const stored = await deliveries(t)
      expect(stored.map((d) => `${d.sku}:${d.type}`)).toEqual([
        'A-1:product.created',
        'A-1:product.updated',
        'B-1:product.created',
        'C-1:product.created',
      ])
      for (const d of stored) {
        expect(d).toMatchObject({ endpointId: rows.id, status: 'pending', attempts: 0 })
        expect(d.id).toMatch(/^msg_[0-9a-f]{32}$/)
        expect(d.eventId).toMatch(/^evt_[0-9a-f]{32}$/)
        const body = JSON.parse(d.payload) as { timestamp: string; data: { updated_at: string } }
        expect(d.createdAt.toISOString()).toBe(body.timestamp)
        expect(d.nextAttemptAt).toEqual(d.createdAt)
        expect(body.data.updated_at).toBe(body.timestamp)
      }
      expect(new Set(stored.map((d) => d.id)).size).toBe(4)
      expect(new Set(stored.map((d) => d.eventId)).size).toBe(4)
      // The latest event of each product carries it as stored now, byte for byte as core
      // builds it, so receivers cannot tell one database from another.
      const latest = stored.filter((d, i) => stored[i + 1]?.sku !== d.sku)
      for (const d of latest) expect(d.payload).toBe(await expectedBody(t, d.sku, d.type))
      const created = JSON.parse(stored[0]!.payload) as { data: Record<string, unknown> }
      expect(created).toMatchObject({
        type: 'product.created',
        data: { sku: 'A-1', price: '0.05', quantity: -3, active: false },
      })
      // The same literal bytes on every database, once the id and the times are set aside.
      const b = stored[2]!.payload
      const { data } = JSON.parse(b) as { data: { id: string; created_at: string } }
      expect(b.replaceAll(data.id, 'ID').replaceAll(data.created_at, 'AT')).toBe(
        '{"type":"product.created","timestamp":"AT","data":{"id":"ID","sku":"B-1","name":"B","description":"say \\"hi\\"\\\\ \\n\\ttab \\u0001 \\u001f é 💡 </script>","price":null,"quantity":0,"active":true,"barcode":null,"brand":null,"category":null,"tags":[],"images":[],"compare_at_price":null,"weight_grams":null,"group":null,"created_at":"AT","updated_at":"AT"}}',
      )
      expect(JSON.parse(stored[1]!.payload)).toMatchObject({
        data: { price: '1234567.89', quantity: -3 },
      })
    })

    it('sends one delivery per receiving endpoint, as its event types and opt-in say', async () => {
      const t = target()
      const all = await t.storage.createWebhookEndpoint(
        endpointRecord({ id: 'all', perRowEvents: true }),
      )
      const updates = await t.storage.createWebhookEndpoint(
        endpointRecord({ id: 'updates', perRowEvents: true, eventTypes: ['product.updated'] }),
      )
      await t.storage.createWebhookEndpoint(endpointRecord({ id: 'no-opt-in' }))
      await t.storage.createWebhookEndpoint(
        endpointRecord({ id: 'inactive', perRowEvents: true, active: false }),
      )
      await t.storage.createWebhookEndpoint(
        endpointRecord({ id: 'imports', perRowEvents: true, eventTypes: ['import.completed'] }),
      )
      await writeBatches(t, [
        [importRow('A-1', { name: 'A' })],
        [importRow('A-1', { name: 'A2' }), importRow('B-1', { name: 'B' })],
      ])
      const stored = await deliveries(t)
      expect(stored.map((d) => `${d.sku}:${d.type}:${d.endpointId}`)).toEqual([
        `A-1:product.created:${all.id}`,
        `A-1:product.updated:${all.id}`,
        `A-1:product.updated:${updates.id}`,
        `B-1:product.created:${all.id}`,
      ])
      const [a, b] = stored.filter((d) => d.type === 'product.updated')
      // One event, two deliveries: receivers deduplicate on the delivery id, not the event's.
      expect(a!.eventId).toBe(b!.eventId)
      expect(a!.payload).toBe(b!.payload)
      expect(a!.id).not.toBe(b!.id)
    })

    it('writes no delivery when no endpoint opted in, nor in a dry run', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord())
      await writeBatches(t, [[importRow('A-1', { name: 'A' })]])
      expect(await deliveries(t)).toEqual([])
      await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      const [dry] = await writeBatches(
        t,
        [[importRow('A-1', { name: 'A2' }), importRow('B-1', { name: 'B' })]],
        true,
      )
      expect(dry).toMatchObject({ created: 1, updated: 1 })
      expect(await deliveries(t)).toEqual([])
    })

    it('picks up an endpoint that opts in while the import runs, from its next batch', async () => {
      const t = target()
      const writer = await t.storage.openImportWriter({ dryRun: false })
      try {
        await writer.write([importRow('A-1', { name: 'A' })])
        const endpoint = await t.storage.createWebhookEndpoint(endpointRecord())
        await t.storage.updateWebhookEndpoint(endpoint.id, { perRowEvents: true })
        await writer.write([importRow('B-1', { name: 'B' })])
      } finally {
        await writer.close()
      }
      expect((await deliveries(t)).map((d) => d.sku)).toEqual(['B-1'])
    })

    it('leaves no event, no delivery and no product of a batch that fails', async () => {
      const t = target()
      await t.storage.createWebhookEndpoint(endpointRecord({ perRowEvents: true }))
      const writer = await t.storage.openImportWriter({ dryRun: false })
      const batch = () => [importRow('A-1', { name: 'A' }), importRow('B-1', { name: 'B' })]
      try {
        // The batch's events break this index, after its products were written: an empty
        // record of the same type is there already.
        await t.raw(
          `INSERT INTO webhook_row_events (event_type, endpoint_ids, product_ids,
          created_at) VALUES ('product.created', '[]', '[]', ?)`,
          [t.storage.dialect === 'sqlite' ? 0 : new Date(0)],
        )
        await t.raw('CREATE UNIQUE INDEX one_record_per_type ON webhook_row_events (event_type)')
        await expect(writer.write(batch())).rejects.toMatchObject({ name: 'ImporterError' })
        expect(await t.raw('SELECT product_ids FROM webhook_row_events')).toEqual([
          { product_ids: '[]' },
        ])
        expect(await t.raw('SELECT id FROM products')).toEqual([])
        expect(await deliveries(t)).toEqual([])
        await t.raw('DROP INDEX one_record_per_type')
        await expect(writer.write(batch())).resolves.toMatchObject({ created: 2 })
      } finally {
        await writer.close()
      }
      expect((await deliveries(t)).map((d) => d.sku)).toEqual(['A-1', 'B-1'])
    })
  })
}
