import { endpointRecord } from '@product-importer/adapter-tests'
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

const payload = JSON.stringify({
  type: 'import.completed',
  timestamp: '2026-11-29T09:00:00.000Z',
  data: { job_id: 'job_1', created: 10, updated: 2, failed: 0 },
})

function claimed(url: string, attempts = 0): ClaimedDelivery {
  const at = new Date('2026-11-29T09:00:00.000Z')
  return {
    delivery: {
      id: 'msg_1',
      endpointId: 'ep_1',
      eventId: 'evt_1',
      eventType: 'import.completed',
      payload,
      status: 'pending',
      attempts,
      nextAttemptAt: at,
      lastStatusCode: null,
      lastError: null,
      createdAt: at,
      finishedAt: null,
    },
    endpoint: endpointRecord({ id: 'ep_1', url, secret, createdAt: at, updatedAt: at }),
  }
}

describe('dispatching one delivery', () => {
  it('signs, sends and reports a delivered attempt', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(202).end('queued'))
    const sender = localSender()
    const limiter = createDeliveryLimiter()
    const result = await dispatchWebhookDelivery(claimed(`${receiver.origin}/in`), {
      sender,
      limiter,
    })

    expect(result).toMatchObject({ status: 'delivered', endpoint: { succeeded: true } })
    expect(result.outcome).toMatchObject({ errorKind: null, responseTruncated: false })
    expect(result.attempt).toMatchObject({
      deliveryId: 'msg_1',
      endpointId: 'ep_1',
      eventType: 'import.completed',
      statusCode: 202,
      errorMessage: null,
      responseBody: 'queued',
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
    expect(first.attempt).toMatchObject({ statusCode: 500, createdAt: now })
    expect(first.outcome.errorKind).toBe('http_status')
    expect(first).toMatchObject({
      status: 'pending',
      nextAttemptAt: new Date(now.getTime() + 5000),
      endpoint: { succeeded: false },
    })

    status = 200
    const retry = claimed(receiver.origin, 1)
    retry.endpoint.failureCount = 1
    retry.endpoint.failingSince = now
    const second = await dispatchWebhookDelivery(retry, { sender, now: clock })
    expect(second.status).toBe('delivered')
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([
      'msg_1',
      'msg_1',
    ])
  })

  it('disables the endpoint when the receiver answers 410', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(410).end())
    const result = await dispatchWebhookDelivery(claimed(receiver.origin), {
      sender: localSender(),
    })
    expect(result).toMatchObject({
      status: 'failed',
      endpoint: { succeeded: false, disable: 'The receiver answered 410 Gone' },
    })
  })

  it('logs a forbidden address or a refused connection as a failed attempt, not a throw', async () => {
    const forbidden = await dispatchWebhookDelivery(claimed('http://10.0.0.1/hook'), {
      sender: localSender(),
      policy: { jitter: 0 },
    })
    expect(forbidden.attempt.statusCode).toBeNull()
    expect(forbidden.outcome.errorKind).toBe('forbidden_address')
    expect(forbidden.status).toBe('pending')

    const port = await closedPort()
    const refused = await dispatchWebhookDelivery(claimed(`http://127.0.0.1:${port}/`), {
      sender: localSender(),
    })
    expect(refused.attempt.statusCode).toBeNull()
    expect(refused.outcome.errorKind).toBe('connection_refused')
  })
})
