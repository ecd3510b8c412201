import type { WebhookOptions } from '@product-importer/core'
import { Webhook } from 'standardwebhooks'
import { expect } from 'vitest'
import type { Received } from './_receiver.js'

/** A clock tests move by hand: retries fall due without waiting. */
export function createTestClock(start = new Date()) {
  let at = start.getTime()
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms
    },
  }
}

/** Webhook options for a receiver on 127.0.0.1, sent only when the test drains. */
export function localWebhooks(options: WebhookOptions = {}): WebhookOptions {
  return { allowHosts: ['127.0.0.1'], dispatch: 'manual', policy: { jitter: 0 }, ...options }
}

/**
 * The request's body as JSON once the `standardwebhooks` package agrees it was signed with
 * `secret`. Its `verify` allows five minutes of clock difference, so a delivery signed on a
 * moved clock is checked by signing the same id, time and bytes and finding that signature
 * among those sent.
 */
export function verifiedEvent(request: Received, secret: string) {
  const id = String(request.headers['webhook-id'])
  const timestamp = String(request.headers['webhook-timestamp'])
  const expected = new Webhook(secret).sign(id, new Date(Number(timestamp) * 1000), request.body)
  const sent = String(request.headers['webhook-signature']).split(' ')
  expect(sent).toContain(expected)
  return JSON.parse(request.body) as {
    type: string
    timestamp: string
    data: Record<string, unknown>
  }
}

/** Verifies with `Webhook.verify` itself: the delivery was signed just now with `secret`. */
export function verifiedNow(request: Received, secret: string) {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  }) as { type: string; timestamp: string; data: Record<string, unknown> }
}
