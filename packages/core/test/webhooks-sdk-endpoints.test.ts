import { join } from 'node:path'
import {
  createProductImporter,
  type WebhookEndpointInput,
  type WebhookEndpointPatchInput,
} from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { describe, expect, it } from 'vitest'
import { closeAfter, startReceiver } from './_receiver.js'
import { localWebhooks, verifiedNow } from './_webhook-sdk.js'
import { importerOn, onBothStorages } from './both-storages.js'
import { tempDir } from './helpers.js'

onBothStorages((kind) => {
  describe('webhook endpoints through the SDK', () => {
    it('shows the secret on creation and on request only', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const created = await importer.webhooks.create({
        url: 'http://127.0.0.1:9/in',
        eventTypes: ['product.created', 'import.completed'],
        description: 'ERP',
        rateLimit: 20,
        perRowEvents: true,
      })
      expect(created).toMatchObject({
        id: expect.any(String),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
        eventTypes: ['product.created', 'import.completed'],
        active: true,
        description: 'ERP',
        rateLimit: 20,
        perRowEvents: true,
        failureCount: 0,
        failingSince: null,
        disabledReason: null,
      })
      const { secret, ...shown } = created
      expect(await importer.webhooks.get(created.id)).toEqual(shown)
      expect(await importer.webhooks.list()).toEqual([shown])
      expect(await importer.webhooks.secret(created.id)).toBe(secret)
      await expect(importer.webhooks.secret('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('gives endpoints time-ordered ids', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const ids: string[] = []
      for (let i = 0; i < 5; i++)
        ids.push((await importer.webhooks.create({ url: `http://127.0.0.1:9/${i}` })).id)
      expect([...ids].sort()).toEqual(ids)
      expect((await importer.webhooks.list()).map((endpoint) => endpoint.id)).toEqual(ids)
    })

    it('refuses URLs the guard forbids and bad input, storing nothing', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const refused = async (input: Record<string, unknown>, code: string) =>
        expect(importer.webhooks.create(input as { url: string })).rejects.toMatchObject({ code })
      await refused({ url: 'http://10.0.0.7/in' }, 'WEBHOOK_URL_FORBIDDEN')
      await refused({ url: 'https://10.0.0.7/in' }, 'WEBHOOK_URL_FORBIDDEN')
      await refused({ url: 'http://169.254.169.254/latest' }, 'WEBHOOK_URL_FORBIDDEN')
      // Only allowlisted hosts may use http.
      await refused({ url: 'http://example.com/in' }, 'WEBHOOK_URL_FORBIDDEN')
      await refused({ url: 'https://user:pw@example.com/in' }, 'WEBHOOK_URL_FORBIDDEN')
      await refused({ url: 'ftp://example.com/in' }, 'WEBHOOK_URL_FORBIDDEN')
      await refused({ url: 'not a url' }, 'VALIDATION_FAILED')
      await refused({ url: 'https://example.com', event_types: ['nope'] }, 'VALIDATION_FAILED')
      await refused({ url: 'https://example.com', per_row_events: 'yes' }, 'VALIDATION_FAILED')
      expect(await importer.webhooks.list()).toEqual([])
    })

    it('refuses 127.0.0.1 unless the importer allows the host', async () => {
      const strict = await importerOn(kind, { webhooks: { dispatch: 'manual' } })
      await expect(
        strict.webhooks.create({ url: 'https://127.0.0.1:8443/in' }),
      ).rejects.toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN' })
    })

    it('refuses the cloud metadata address even when the allowlist names it', async () => {
      const lenient = await importerOn(kind, {
        webhooks: { dispatch: 'manual', allowHosts: ['169.254.169.254', '127.0.0.1'] },
      })
      await expect(
        lenient.webhooks.create({ url: 'http://169.254.169.254/latest' }),
      ).rejects.toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN' })
      expect((await lenient.webhooks.create({ url: 'http://127.0.0.1:9/in' })).url).toBe(
        'http://127.0.0.1:9/in',
      )
    })

    it("refuses the REST API's snake_case keys, naming the SDK's camelCase ones", async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const snake = { url: 'http://127.0.0.1:9/in', event_types: ['product.created'] }
      const error = await importer.webhooks
        .create(snake as unknown as WebhookEndpointInput)
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' })
      expect((error as Error).message).toMatch(
        /Unknown key "event_types" \(known keys: .*eventTypes/,
      )
      const typo = { eventTypes: ['product.craeted'] }
      const created = await importer.webhooks.create({ url: 'http://127.0.0.1:9/in' })
      await expect(
        importer.webhooks.update(created.id, typo as unknown as WebhookEndpointPatchInput),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: /product\.craeted/ })
      expect(await importer.webhooks.list()).toHaveLength(1)
    })

    it('changes only the fields a patch names, checking a new URL', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const created = await importer.webhooks.create({ url: 'http://127.0.0.1:9/in' })
      const updated = await importer.webhooks.update(created.id, {
        description: 'CRM',
        eventTypes: ['import.failed'],
      })
      expect(updated).toMatchObject({ url: created.url, description: 'CRM', active: true })
      expect(updated.eventTypes).toEqual(['import.failed'])
      await expect(
        importer.webhooks.update(created.id, { url: 'http://10.1.2.3/in' }),
      ).rejects.toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN' })
      await expect(importer.webhooks.update('nope', { active: false })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
      expect((await importer.webhooks.get(created.id))?.url).toBe(created.url)
    })

    it('deletes an endpoint with its log, and sends it nothing more', async () => {
      const importer = await importerOn(kind, { webhooks: localWebhooks() })
      const receiver = await startReceiver()
      const created = await importer.webhooks.create({ url: `${receiver.origin}/in` })
      await importer.products.create({ sku: 'A', name: 'A' })
      expect(await importer.webhooks.delete(created.id)).toBe(true)
      expect(await importer.webhooks.delete(created.id)).toBe(false)
      await importer.products.create({ sku: 'B', name: 'B' })
      expect(await importer.webhooks.drain()).toBe(0)
      expect(receiver.received).toEqual([])
      await expect(importer.webhooks.deliveries(created.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
    })
  })

  describe('background dispatch', () => {
    it('sends deliveries without drain() until close()', async () => {
      const importer = await importerOn(kind, {
        webhooks: { allowHosts: ['127.0.0.1'], pollMs: 50 },
      })
      let arrived!: () => void
      const first = new Promise<void>((resolve) => (arrived = resolve))
      const receiver = await startReceiver((_, response) => {
        response.writeHead(204).end()
        arrived()
      })
      const endpoint = await importer.webhooks.create({ url: `${receiver.origin}/in` })
      await importer.products.create({ sku: 'A', name: 'Alpha' })
      await first
      expect(verifiedNow(receiver.received[0]!, endpoint.secret).data).toMatchObject({ sku: 'A' })
    })

    it('answers product changes while the receiver holds every request open', async () => {
      const importer = await importerOn(kind, {
        webhooks: { allowHosts: ['127.0.0.1'], pollMs: 50 },
      })
      const receiver = await startReceiver(() => {
        // Never answers: a receiver that hangs.
      })
      await importer.webhooks.create({ url: `${receiver.origin}/in` })
      for (let i = 0; i < 10; i++) await importer.products.create({ sku: `S${i}`, name: 'x' })
      expect(await importer.products.count()).toBe(10)
      // close() cancels the hanging attempts rather than waiting out their timeout.
      await importer.close()
    })
  })
})

describe('an importer opened on an outbox with deliveries waiting', () => {
  it('sends them from its first use, with no change needed', async () => {
    const filename = join(tempDir(), 'shop.db')
    const receiver = await startReceiver()
    const before = createProductImporter({
      storage: sqliteStorage({ filename }),
      webhooks: localWebhooks(),
    })
    await before.webhooks.create({ url: `${receiver.origin}/in` })
    await before.products.create({ sku: 'A', name: 'Alpha' })
    await before.close()

    let arrived!: () => void
    const delivered = new Promise<void>((resolve) => (arrived = resolve))
    const after = createProductImporter({
      storage: sqliteStorage({ filename }),
      webhooks: { allowHosts: ['127.0.0.1'], onError: arrived },
    })
    closeAfter(after)
    const watcher = setInterval(() => receiver.received.length > 0 && arrived(), 10)
    try {
      expect(await after.products.count()).toBe(1)
      await delivered
    } finally {
      clearInterval(watcher)
    }
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'product.created' })
  })
})
