import {
  type ClaimedDelivery,
  createDeliveryLimiter,
  createWebhookSecret,
  createWebhookSender,
  dispatchWebhookDelivery,
} from '@product-importer/core'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { closeAfter, closedPort, startReceiver } from './_receiver.js'

function localSender() {
  const sender = createWebhookSender({ guard: { allowHttp: true, allowHosts: ['127.0.0.1'] } })
  closeAfter(sender)
  return sender
}

const secret = createWebhookSecret()

function claimed(url: string, attempt = 1): ClaimedDelivery {
  return {
    deliveryId: 'dlv_1',
    attempt,
    endpoint: {
      id: 'ep_1',
      url,
      secrets: [secret],
      health: { consecutiveFailures: 0, failingSince: null },
    },
    event: {
      id: 'evt_1',
      type: 'import.completed',
      occurredAt: new Date('2026-11-29T09:00:00.000Z'),
      data: { job_id: 'job_1', created: 10, updated: 2, failed: 0 },
    },
  }
}

describe('dispatching one delivery', () => {
  it('signs, sends and reports a delivered attempt', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(202).end('queued'))
    const sender = localSender()
    const limiter = createDeliveryLimiter()
    const { record, next } = await dispatchWebhookDelivery(claimed(`${receiver.origin}/in`), {
      sender,
      limiter,
    })

    expect(next).toEqual({
      type: 'delivered',
      endpoint: { consecutiveFailures: 0, failingSince: null },
    })
    expect(record).toMatchObject({
      deliveryId: 'dlv_1',
      endpointId: 'ep_1',
      eventId: 'evt_1',
      eventType: 'import.completed',
      attempt: 1,
      statusCode: 202,
      errorKind: null,
      errorMessage: null,
      responseBody: 'queued',
      responseTruncated: false,
    })
    const request = receiver.received[0]!
    expect(
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
    ).toEqual({
      type: 'import.completed',
      timestamp: '2026-11-29T09:00:00.000Z',
      data: { job_id: 'job_1', created: 10, updated: 2, failed: 0 },
    })
  })

  it('schedules a retry on the injected clock after a 500, then delivers with the same webhook-id', async () => {
    let status = 500
    const receiver = await startReceiver((_, res) => res.writeHead(status).end())
    const sender = localSender()
    const now = new Date(Math.floor(Date.now() / 1000) * 1000)
    const clock = () => now

    const first = await dispatchWebhookDelivery(claimed(receiver.origin), {
      sender,
      now: clock,
      policy: { jitter: 0 },
    })
    expect(first.record).toMatchObject({
      statusCode: 500,
      errorKind: 'http_status',
      createdAt: now,
    })
    expect(first.next).toEqual({
      type: 'retry',
      attempt: 2,
      at: new Date(now.getTime() + 5000),
      endpoint: { consecutiveFailures: 1, failingSince: now },
    })

    status = 200
    const retry = claimed(receiver.origin, 2)
    retry.endpoint.health = first.next.endpoint
    const second = await dispatchWebhookDelivery(retry, { sender, now: clock })
    expect(second.next.type).toBe('delivered')
    expect(second.record.attempt).toBe(2)
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([
      'evt_1',
      'evt_1',
    ])
  })

  it('disables the endpoint when the receiver answers 410', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(410).end())
    const { next } = await dispatchWebhookDelivery(claimed(receiver.origin), {
      sender: localSender(),
    })
    expect(next).toMatchObject({ type: 'disable', reason: 'The receiver answered 410 Gone' })
  })

  it('logs a forbidden address or a refused connection as a failed attempt, not a throw', async () => {
    const forbidden = await dispatchWebhookDelivery(claimed('http://10.0.0.1/hook'), {
      sender: localSender(),
      policy: { jitter: 0 },
    })
    expect(forbidden.record).toMatchObject({ statusCode: null, errorKind: 'forbidden_address' })
    expect(forbidden.next.type).toBe('retry')

    const port = await closedPort()
    const refused = await dispatchWebhookDelivery(claimed(`http://127.0.0.1:${port}/`), {
      sender: localSender(),
    })
    expect(refused.record).toMatchObject({ statusCode: null, errorKind: 'connection_refused' })
  })
})
