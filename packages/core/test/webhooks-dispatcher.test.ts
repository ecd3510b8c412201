import {
  createWebhookDispatcher,
  createWebhookSender,
  type ImporterStorage,
  type ProductEventData,
  toOutboxEvent,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { closeAfter, startReceiver } from './_receiver.js'
import { createTestClock, localWebhooks } from './_webhook-sdk.js'
import { importerOn, onBothStorages, type StorageKind } from './both-storages.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

function dispatcherOn(
  storage: ImporterStorage,
  options: Partial<Parameters<typeof createWebhookDispatcher>[0]> = {},
) {
  const sender = createWebhookSender({ guard: { allowHttp: true, allowHosts: ['127.0.0.1'] } })
  closeAfter(sender)
  const dispatcher = createWebhookDispatcher({ storage, sender, ...options })
  closeAfter(dispatcher)
  return dispatcher
}

async function outboxWithEndpoint(
  kind: StorageKind,
  respond?: Parameters<typeof startReceiver>[0],
) {
  const importer = await importerOn(kind, { webhooks: localWebhooks() })
  const receiver = await startReceiver(respond)
  const endpoint = await importer.webhooks.create({ url: `${receiver.origin}/in` })
  const enqueue = (at: Date) =>
    importer.storage.enqueueEvents([
      toOutboxEvent('product.created', { sku: 'A' } as ProductEventData, at),
    ])
  return { importer, receiver, endpoint, enqueue, storage: importer.storage }
}

onBothStorages((kind) => {
  describe('createWebhookDispatcher', () => {
    it('prunes attempts and finished deliveries past the retention, at most once an hour', async () => {
      const clock = createTestClock()
      const { storage, enqueue, endpoint } = await outboxWithEndpoint(kind)
      const dispatcher = dispatcherOn(storage, { now: clock.now, retentionMs: MINUTE })
      await enqueue(clock.now())
      expect(await dispatcher.runDue()).toBe(1)

      clock.advance(2 * MINUTE)
      await dispatcher.runDue()
      expect(await storage.listAttempts(endpoint.id)).toHaveLength(1)

      clock.advance(HOUR)
      await dispatcher.runDue()
      expect(await storage.listAttempts(endpoint.id)).toEqual([])
      expect(await storage.listDeliveries(endpoint.id)).toEqual([])
    })

    it('sends deliveries named by sendNow() before they are due', async () => {
      const clock = createTestClock()
      const { storage, enqueue, endpoint, receiver } = await outboxWithEndpoint(kind)
      const dispatcher = dispatcherOn(storage, { now: clock.now })
      await enqueue(new Date(clock.now().getTime() + HOUR))
      expect(await dispatcher.runDue()).toBe(0)
      const [delivery] = await storage.listDeliveries(endpoint.id)
      const [result] = await dispatcher.sendNow([delivery!.id])
      expect(result?.status).toBe('delivered')
      expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([delivery!.id])
    })

    it('records nothing for an attempt cut short by close(); another instance sends it once the lease ends', async () => {
      const clock = createTestClock()
      let hang = true
      let arrived!: () => void
      const first = new Promise<void>((resolve) => (arrived = resolve))
      const { storage, enqueue, endpoint, receiver } = await outboxWithEndpoint(kind, (_, res) => {
        arrived()
        if (!hang) res.writeHead(200).end()
      })
      const leaseMs = 10_000
      const crashing = dispatcherOn(storage, { now: clock.now, leaseMs, instanceId: 'one' })
      const survivor = dispatcherOn(storage, { now: clock.now, leaseMs, instanceId: 'two' })
      await enqueue(clock.now())

      const pass = crashing.runDue()
      await first
      await crashing.close()
      expect(await pass).toBe(0)
      expect(await storage.listAttempts(endpoint.id)).toEqual([])

      hang = false
      expect(await survivor.runDue()).toBe(0)
      clock.advance(leaseMs + 1)
      expect(await survivor.runDue()).toBe(1)
      const ids = receiver.received.map((r) => r.headers['webhook-id'])
      expect(ids).toHaveLength(2)
      expect(ids[1]).toBe(ids[0])
      expect((await storage.listDeliveries(endpoint.id))[0]?.status).toBe('delivered')
    })

    it('wakes its background loop on notify() rather than at the next poll', async () => {
      let arrived!: () => void
      const delivered = new Promise<void>((resolve) => (arrived = resolve))
      const { storage, enqueue } = await outboxWithEndpoint(kind, (_, res) => {
        res.writeHead(204).end()
        arrived()
      })
      const dispatcher = dispatcherOn(storage, { pollMs: HOUR })
      dispatcher.start()
      await enqueue(new Date())
      dispatcher.notify()
      await delivered
      await dispatcher.close()
    })
  })
})
