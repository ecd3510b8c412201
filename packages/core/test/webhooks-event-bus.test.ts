import {
  createWebhookEventBus,
  type WebhookEvent,
  type WebhookEventType,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'

let seq = 0
// The bus passes data through untouched: any shape will do here.
const event = (type: WebhookEventType, data: unknown = {}): WebhookEvent =>
  ({ id: `evt_${++seq}`, type, occurredAt: new Date(), data }) as WebhookEvent

async function take(iterator: AsyncIterator<WebhookEvent>, count: number): Promise<WebhookEvent[]> {
  const events: WebhookEvent[] = []
  for (let i = 0; i < count; i++) {
    const next = await iterator.next()
    if (next.done) break
    events.push(next.value)
  }
  return events
}

describe('in-process event bus', () => {
  it('hands every subscriber the events of the types it asked for, in order', async () => {
    const bus = createWebhookEventBus()
    const imports = bus.subscribe({ types: ['import.completed', 'import.failed'] })
    const everything = bus.subscribe()
    bus.publish(event('product.created', { sku: 'A' }))
    bus.publish(event('import.completed', { job_id: 'j1' }))
    bus.publish(event('import.failed', { job_id: 'j2' }))

    expect((await take(imports, 2)).map((e) => e.data)).toEqual([
      { job_id: 'j1' },
      { job_id: 'j2' },
    ])
    expect((await take(everything, 3)).map((e) => e.type)).toEqual([
      'product.created',
      'import.completed',
      'import.failed',
    ])
  })

  it('works with for await, and leaving the loop unsubscribes', async () => {
    const bus = createWebhookEventBus()
    const seen: string[] = []
    const reading = (async () => {
      for await (const e of bus.subscribe({ types: ['product.deleted'] })) {
        seen.push(e.id)
        if (seen.length === 2) break
      }
    })()
    // The subscriber waits for events that have not happened yet.
    await new Promise((resolve) => setImmediate(resolve))
    expect(bus.subscriberCount).toBe(1)
    const first = event('product.deleted')
    const second = event('product.deleted')
    bus.publish(first)
    bus.publish(event('product.created'))
    bus.publish(second)
    await reading
    expect(seen).toEqual([first.id, second.id])
    expect(bus.subscriberCount).toBe(0)
  })

  it('never blocks the publisher: a full buffer drops its oldest events and counts them', async () => {
    const bus = createWebhookEventBus()
    const slow = bus.subscribe({ bufferSize: 3 })
    const published = Array.from({ length: 10 }, (_, i) => event('product.updated', { n: i }))
    for (const e of published) bus.publish(e)

    expect(slow.dropped).toBe(7)
    expect((await take(slow, 3)).map((e) => e.data)).toEqual([{ n: 7 }, { n: 8 }, { n: 9 }])
    bus.publish(event('product.updated', { n: 10 }))
    expect((await take(slow, 1)).map((e) => e.data)).toEqual([{ n: 10 }])
  })

  it('keeps memory bounded for a subscriber that never reads', () => {
    const bus = createWebhookEventBus()
    const idle = bus.subscribe({ bufferSize: 10 })
    for (let i = 0; i < 100_000; i++) bus.publish(event('product.created', i))
    expect(idle.dropped).toBe(99_990)
  })

  it('ends subscriptions on abort and on close', async () => {
    const bus = createWebhookEventBus()
    const controller = new AbortController()
    const aborted = bus.subscribe({ signal: controller.signal })
    const closed = bus.subscribe()
    const waiting = aborted.next()
    controller.abort()
    expect(await waiting).toEqual({ done: true, value: undefined })
    bus.close()
    expect(await closed.next()).toEqual({ done: true, value: undefined })
    expect(bus.subscriberCount).toBe(0)
    const late = bus.subscribe({ signal: controller.signal })
    expect(await late.next()).toEqual({ done: true, value: undefined })
  })
})
