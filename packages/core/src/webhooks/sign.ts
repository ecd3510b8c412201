import { createHmac } from 'node:crypto'
import type { WebhookEventData, WebhookMessage } from './event-data.js'
import type { WebhookEventType } from './event-types.js'
import { webhookSecretKey } from './secret.js'

/**
 * The three Standard Webhooks headers of a delivery attempt. (A type alias, not an interface, so
 * it is assignable to a plain header record.)
 */
export type WebhookSignatureHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  /** Stable across retries, so receivers can drop duplicates. */
  id: string
  /** The exact bytes that will be sent. */
  body: string
  /**
   * Every active secret: one normally, more while rotated-out ones are within their grace
   * period, each adding a signature so receivers holding any of them accept the delivery.
   */
  secrets: readonly string[]
  /** The attempt's time; fresh on each attempt so receivers can reject replays. */
  at: Date
}

/**
 * The JSON body of an event: `{"type", "timestamp", "data"}`. Serialise once and send those
 * exact bytes, since the signature covers them.
 */
export function toWebhookBody<T extends WebhookEventType>(
  type: T,
  data: WebhookEventData<T>,
  occurredAt: Date,
): string {
  const message = { type, timestamp: occurredAt.toISOString(), data } as WebhookMessage<T>
  return JSON.stringify(message)
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-signature` holds one
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` per secret, space-separated.
 *
 * @example
 * ```ts
 * const body = toWebhookBody('product.created', product, new Date())
 * const headers = signWebhook({ id: eventId, body, secrets: [endpoint.secret], at: new Date() })
 * ```
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  if (input.secrets.length === 0) throw new TypeError('signWebhook needs at least one secret')
  const timestamp = String(Math.floor(input.at.getTime() / 1000))
  const signed = `${input.id}.${timestamp}.${input.body}`
  const signatures = input.secrets.map(
    (secret) =>
      `v1,${createHmac('sha256', webhookSecretKey(secret)).update(signed).digest('base64')}`,
  )
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  }
}
