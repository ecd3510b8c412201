import type { ProductImporter, WebhookOptions } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { type Received, startReceiver } from './_receiver.js'
import { createTestClock, localWebhooks, verifiedEvent } from './_webhook-sdk.js'
import { importerOn, onBothStorages, type StorageKind } from './both-storages.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

type Answer = (
  request: Received,
  index: number,
) => { status: number; headers?: Record<string, string> } | 'hang' | 'reset'

/** A receiver answering request n with `answer(request, n)`; `ok` lists the 2xx-answered ones. */
async function scriptedReceiver(answer: Answer) {
  const ok: Received[] = []
  const receiver = await startReceiver((request, response) => {
    const reply = answer(request, receiver.received.length - 1)
    if (reply === 'hang') return
    if (reply === 'reset') {
      response.socket?.destroy()
      return
    }
    if (reply.status >= 200 && reply.status < 300) ok.push(request)
    response.writeHead(reply.status, reply.headers).end()
  })
  return { ...receiver, ok }
}

async function setUp(kind: StorageKind, answer: Answer, webhooks: WebhookOptions = {}) {
  const clock = createTestClock()
  const importer = await importerOn(kind, {
    webhooks: localWebhooks({ now: clock.now, ...webhooks }),
  })
  const receiver = await scriptedReceiver(answer)
  const endpoint = await importer.webhooks.create({ url: `${receiver.origin}/in` })
  return { clock, importer, receiver, endpoint }
}

const product = (importer: ProductImporter, sku: string) =>
  importer.products.create({ sku, name: `Product ${sku}` })

onBothStorages((kind) => {
  describe('retries', () => {
    it('retries a delivery answered 500 on the schedule, with the same webhook-id', async () => {
      const { clock, importer, receiver, endpoint } = await setUp(kind, (_, n) => ({
        status: n === 0 ? 500 : 204,
      }))
      await product(importer, 'A')

      expect(await importer.webhooks.drain()).toBe(1)
      const [waiting] = await importer.webhooks.deliveries(endpoint.id)
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 })
      expect(waiting!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(5 * SECOND)
      expect(await importer.webhooks.drain()).toBe(0)

      clock.advance(5 * SECOND)
      expect(await importer.webhooks.drain()).toBe(1)
      expect(await importer.webhooks.deliveries(endpoint.id)).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 2 }),
      ])
      const [first, second] = receiver.received
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id'])
      expect(second!.headers['webhook-timestamp']).not.toBe(first!.headers['webhook-timestamp'])
      verifiedEvent(second!, endpoint.secret)
      const attempts = await importer.webhooks.attempts(endpoint.id)
      expect(attempts.map((attempt) => attempt.statusCode)).toEqual([204, 500])
      expect(attempts[1]).toMatchObject({
        eventType: 'product.created',
        errorMessage: expect.any(String),
      })
    })

    it('retries a delivery whose receiver did not answer within the timeout', async () => {
      const { clock, importer, receiver, endpoint } = await setUp(
        kind,
        (_, n) => (n === 0 ? 'hang' : { status: 200 }),
        { timeoutMs: 300 },
      )
      await product(importer, 'A')
      expect(await importer.webhooks.drain()).toBe(1)
      const [failed] = await importer.webhooks.attempts(endpoint.id)
      expect(failed).toMatchObject({
        statusCode: null,
        errorMessage: expect.stringMatching(/300 ms/),
      })

      clock.advance(5 * SECOND)
      expect(await importer.webhooks.drain()).toBe(1)
      expect(receiver.ok).toHaveLength(1)
      expect((await importer.webhooks.deliveries(endpoint.id))[0]?.status).toBe('delivered')
    })

    it('waits as long as Retry-After asks on a 429', async () => {
      const { clock, importer, receiver } = await setUp(kind, (_, n) =>
        n === 0 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 204 },
      )
      await product(importer, 'A')
      await importer.webhooks.drain()
      clock.advance(1 * MINUTE)
      expect(await importer.webhooks.drain()).toBe(0)
      clock.advance(1 * MINUTE)
      expect(await importer.webhooks.drain()).toBe(1)
      expect(receiver.ok).toHaveLength(1)
    })

    it('disables an endpoint at once when its receiver answers 410 Gone', async () => {
      const { importer, receiver, endpoint } = await setUp(kind, () => ({ status: 410 }))
      await product(importer, 'A')
      await importer.webhooks.drain()

      expect(await importer.webhooks.get(endpoint.id)).toMatchObject({
        active: false,
        disabledReason: expect.stringContaining('410'),
      })
      expect((await importer.webhooks.deliveries(endpoint.id))[0]?.status).toBe('failed')
      await product(importer, 'B')
      expect(await importer.webhooks.drain()).toBe(0)
      expect(receiver.received).toHaveLength(1)
    })

    it('disables an endpoint failing every attempt for the window, and turning it on again starts afresh', async () => {
      const { clock, importer, endpoint } = await setUp(kind, () => ({ status: 500 }), {
        policy: { jitter: 0, schedule: Array(20).fill(5 * MINUTE), disableAfterMs: 30 * MINUTE },
      })
      await product(importer, 'A')
      let attempts = 0
      while ((await importer.webhooks.get(endpoint.id))?.active && attempts < 20) {
        attempts += await importer.webhooks.drain()
        clock.advance(5 * MINUTE)
      }
      // Failing at 0, 5, ..., 30 minutes: the attempt at 30 minutes ends it.
      expect(attempts).toBe(7)
      const disabled = await importer.webhooks.get(endpoint.id)
      expect(disabled).toMatchObject({ active: false, failureCount: 7 })
      expect(disabled?.disabledReason).toMatch(/Every attempt failed/)

      expect(await importer.webhooks.update(endpoint.id, { active: true })).toMatchObject({
        active: true,
        disabledReason: null,
        failureCount: 0,
        failingSince: null,
      })
    })

    it('loses no event while its receiver is down for an hour', async () => {
      let down = true
      const { clock, importer, receiver, endpoint } = await setUp(kind, () =>
        down ? 'reset' : { status: 204 },
      )
      for (const sku of ['A', 'B', 'C']) await product(importer, sku)
      for (let minute = 0; minute <= 60; minute += 5) {
        await importer.webhooks.drain()
        clock.advance(5 * MINUTE)
      }
      expect(receiver.ok).toEqual([])
      down = false
      clock.advance(3 * HOUR)
      expect(await importer.webhooks.drain()).toBe(3)

      const skus = receiver.ok.map((request) => verifiedEvent(request, endpoint.secret).data.sku)
      expect(skus.sort()).toEqual(['A', 'B', 'C'])
      expect(await importer.webhooks.deliveries(endpoint.id, { status: 'pending' })).toEqual([])
    })
  })

  describe('redeliver and recover', () => {
    it('redelivers a delivered event with its webhook-id', async () => {
      const { importer, receiver, endpoint } = await setUp(kind, () => ({ status: 200 }))
      await product(importer, 'A')
      await importer.webhooks.drain()
      const [delivery] = await importer.webhooks.deliveries(endpoint.id)

      expect(await importer.webhooks.redeliver(endpoint.id, delivery!.id)).toMatchObject({
        id: delivery!.id,
        status: 'pending',
      })
      expect(await importer.webhooks.drain()).toBe(1)
      expect(receiver.ok.map((request) => request.headers['webhook-id'])).toEqual([
        delivery!.id,
        delivery!.id,
      ])
      await expect(importer.webhooks.redeliver(endpoint.id, 'msg_unknown')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
    })

    it('recovers the failed deliveries created since a time, and only those', async () => {
      let up = false
      const { clock, importer, receiver, endpoint } = await setUp(
        kind,
        () => ({ status: up ? 200 : 500 }),
        { policy: { jitter: 0, schedule: [0] } },
      )
      await product(importer, 'OLD')
      await importer.webhooks.drain()
      clock.advance(HOUR)
      const since = clock.now()
      await product(importer, 'NEW')
      await importer.webhooks.drain()
      expect(await importer.webhooks.deliveries(endpoint.id, { status: 'failed' })).toHaveLength(2)

      up = true
      expect(await importer.webhooks.recover(endpoint.id, since)).toBe(1)
      expect(await importer.webhooks.drain()).toBe(1)
      expect(receiver.ok.map((r) => verifiedEvent(r, endpoint.secret).data.sku)).toEqual(['NEW'])
    })
  })

  describe('test()', () => {
    it("answers with the receiver's status code and time, and logs the delivery", async () => {
      const { importer, endpoint, receiver } = await setUp(kind, (_, n) => ({
        status: n === 0 ? 202 : 503,
      }))
      const result = await importer.webhooks.test(endpoint.id)
      expect(result).toEqual({
        deliveryId: expect.stringMatching(/^msg_/),
        ok: true,
        statusCode: 202,
        responseTimeMs: expect.any(Number),
        error: null,
      })
      expect(verifiedEvent(receiver.received[0]!, endpoint.secret).type).toBe('webhook.test')
      expect(await importer.webhooks.deliveries(endpoint.id)).toEqual([
        expect.objectContaining({
          id: result.deliveryId,
          eventType: 'webhook.test',
          status: 'delivered',
        }),
      ])

      expect(await importer.webhooks.test(endpoint.id)).toMatchObject({
        ok: false,
        statusCode: 503,
        error: expect.stringContaining('503'),
      })
      await expect(importer.webhooks.test('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('reaches an endpoint that is turned off, and no other endpoint', async () => {
      const { importer, endpoint, receiver } = await setUp(kind, () => ({ status: 200 }))
      const other = await scriptedReceiver(() => ({ status: 200 }))
      await importer.webhooks.create({ url: `${other.origin}/in` })
      await importer.webhooks.update(endpoint.id, { active: false })
      expect((await importer.webhooks.test(endpoint.id)).ok).toBe(true)
      expect(receiver.ok).toHaveLength(1)
      expect(other.received).toEqual([])
    })

    it('sends a test once: a failing one is not retried, and counts one failure', async () => {
      const { clock, importer, endpoint, receiver } = await setUp(kind, () => ({ status: 500 }))
      const result = await importer.webhooks.test(endpoint.id)
      expect(result).toMatchObject({ ok: false, statusCode: 500 })
      expect(await importer.webhooks.deliveries(endpoint.id)).toEqual([
        expect.objectContaining({ id: result.deliveryId, status: 'failed', attempts: 1 }),
      ])
      expect((await importer.webhooks.get(endpoint.id))?.failureCount).toBe(1)

      clock.advance(HOUR)
      expect(await importer.webhooks.drain()).toBe(0)
      expect(receiver.received).toHaveLength(1)
      expect((await importer.webhooks.get(endpoint.id))?.failureCount).toBe(1)
    })
  })

  describe('rotateSecret()', () => {
    it('signs with both secrets during the grace period, then with the new one only', async () => {
      const { clock, importer, receiver, endpoint } = await setUp(kind, () => ({ status: 200 }))
      const rotated = await importer.webhooks.rotateSecret(endpoint.id, { gracePeriodMs: HOUR })
      expect(rotated.secret).not.toBe(endpoint.secret)
      expect(await importer.webhooks.secret(endpoint.id)).toBe(rotated.secret)

      await product(importer, 'DURING')
      await importer.webhooks.drain()
      const during = receiver.received[0]!
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2)
      verifiedEvent(during, endpoint.secret)
      verifiedEvent(during, rotated.secret)

      clock.advance(HOUR + SECOND)
      await product(importer, 'AFTER')
      await importer.webhooks.drain()
      const after = receiver.received[1]!
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1)
      verifiedEvent(after, rotated.secret)
      expect(() => verifiedEvent(after, endpoint.secret)).toThrow()
    })
  })
})
