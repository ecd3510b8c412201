import type { WebhookEventType } from './event-types.js'
import type { DeliveryLimiter } from './limiter.js'
import {
  decideWebhookRetry,
  type WebhookEndpointHealth,
  type WebhookNextAction,
  type WebhookRetryPolicy,
} from './retry-policy.js'
import type { WebhookSender } from './send.js'
import { signWebhook, toWebhookBody } from './sign.js'
import type { WebhookErrorKind } from './types.js'

/** A delivery the dispatcher claimed from the outbox, with what sending it needs. */
export interface ClaimedDelivery {
  deliveryId: string
  /** The number of this attempt, from 1. */
  attempt: number
  endpoint: {
    id: string
    url: string
    /** Active signing secrets, newest first; two during a rotation's grace period. */
    secrets: readonly string[]
    health: WebhookEndpointHealth
    /** Deliveries per second at most, or `null`. */
    rateLimit?: number | null
  }
  event: {
    /** Sent as `webhook-id`, the same on every attempt. */
    id: string
    type: WebhookEventType
    occurredAt: Date
    data: unknown
  }
}

/** One attempt as the attempt log stores it (the API shows it with snake_case names). */
export interface WebhookAttemptRecord {
  deliveryId: string
  endpointId: string
  eventId: string
  eventType: WebhookEventType
  attempt: number
  statusCode: number | null
  responseTimeMs: number
  errorKind: WebhookErrorKind | null
  errorMessage: string | null
  /** The start of the response body, at most the sender's `maxResponseBytes`. */
  responseBody: string
  responseTruncated: boolean
  createdAt: Date
}

/** What {@link dispatchWebhookDelivery} needs besides the delivery. */
export interface DispatchOptions {
  sender: WebhookSender
  /** Runs the attempt within the global and per-endpoint limits when given. */
  limiter?: DeliveryLimiter
  policy?: WebhookRetryPolicy
  /** The clock: signing time, the attempt's time and the base of the next attempt's time. */
  now?: () => Date
  /** Cancels the attempt (shutdown); the delivery is then tried again, uncounted. */
  signal?: AbortSignal
}

/** The result of one dispatched attempt: the row to log and what to do next. */
export interface DispatchResult {
  record: WebhookAttemptRecord
  next: WebhookNextAction
}

/**
 * One attempt of a claimed delivery: sign, guard, send, decide. Returns the attempt record and
 * the next action (delivered, retry at, give up, disable the endpoint), so the dispatcher loop
 * only claims outbox rows and stores results. Never throws for a failed attempt.
 *
 * @example
 * ```ts
 * const { record, next } = await dispatchWebhookDelivery(claimed, { sender, limiter })
 * await storage.recordAttempt(record, next)
 * ```
 */
export async function dispatchWebhookDelivery(
  delivery: ClaimedDelivery,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const now = options.now ?? (() => new Date())
  const { endpoint, event } = delivery
  const body = toWebhookBody(event.type, event.data, event.occurredAt)
  const attempt = async () => {
    // Signed just before sending, so webhook-timestamp is this attempt's, not the queue's.
    const startedAt = now()
    const headers = signWebhook({ id: event.id, body, secrets: endpoint.secrets, at: startedAt })
    const outcome = await options.sender.send({
      url: endpoint.url,
      body,
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    })
    return { startedAt, outcome }
  }
  const { startedAt, outcome } = options.limiter
    ? await options.limiter.run(endpoint.id, attempt, { rateLimit: endpoint.rateLimit ?? null })
    : await attempt()
  const record: WebhookAttemptRecord = {
    deliveryId: delivery.deliveryId,
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
    attempt: delivery.attempt,
    statusCode: outcome.statusCode,
    responseTimeMs: outcome.responseTimeMs,
    errorKind: outcome.errorKind,
    errorMessage: outcome.errorMessage,
    responseBody: outcome.responseBody,
    responseTruncated: outcome.responseTruncated,
    createdAt: startedAt,
  }
  const next = decideWebhookRetry(
    { attempt: delivery.attempt, outcome, endpoint: endpoint.health, now: now() },
    options.policy,
  )
  return { record, next }
}
