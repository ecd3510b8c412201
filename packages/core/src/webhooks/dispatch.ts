import type { AttemptResult, ClaimedDelivery } from '../storage/webhook-types.js'
import type { WebhookEventType } from './event-types.js'
import type { DeliveryLimiter } from './limiter.js'
import { decideWebhookRetry, type WebhookRetryPolicy } from './retry-policy.js'
import { activeWebhookSecrets } from './secret-rotation.js'
import type { WebhookSender } from './send.js'
import { signWebhook } from './sign.js'
import type { WebhookAttemptOutcome } from './types.js'

const TEST_EVENT: WebhookEventType = 'webhook.test'

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

/**
 * One attempt and what follows, ready for `storage.recordAttempt` once the lease holder is
 * added; `outcome` is what the sender saw, and `reason` why the delivery or the endpoint ended.
 */
export interface DispatchResult extends Omit<AttemptResult, 'owner'> {
  outcome: WebhookAttemptOutcome
  /** Set when the attempt was cancelled: it says nothing about the receiver, so record nothing. */
  cancelled: boolean
  reason?: string
}

/**
 * One attempt of a claimed delivery: sign (with every active secret), guard, send, decide. The
 * body is the payload stored with the delivery, sent byte for byte; `webhook-id` is the
 * delivery's id on every attempt. Never throws for a failed attempt.
 *
 * @example
 * ```ts
 * for (const claimed of await storage.claimDeliveries({ owner, now, leaseMs, limit: 10 })) {
 *   const result = await dispatchWebhookDelivery(claimed, { sender, limiter })
 *   if (!result.cancelled) await storage.recordAttempt({ ...result, owner })
 * }
 * ```
 */
export async function dispatchWebhookDelivery(
  { delivery, endpoint }: ClaimedDelivery,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const now = options.now ?? (() => new Date())
  const attempt = async () => {
    // Signed just before sending, so webhook-timestamp is this attempt's, not the queue's.
    const startedAt = now()
    const headers = signWebhook({
      id: delivery.id,
      body: delivery.payload,
      secrets: activeWebhookSecrets(endpoint, startedAt),
      at: startedAt,
    })
    const outcome = await options.sender.send({
      url: endpoint.url,
      body: delivery.payload,
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    })
    return { startedAt, outcome }
  }
  const { startedAt, outcome } = options.limiter
    ? await options.limiter.run(endpoint.id, attempt, { rateLimit: endpoint.rateLimit })
    : await attempt()
  const decidedAt = now()
  const next = decideWebhookRetry(
    {
      attempt: delivery.attempts + 1,
      outcome,
      endpoint: { consecutiveFailures: endpoint.failureCount, failingSince: endpoint.failingSince },
      now: decidedAt,
    },
    options.policy,
  )
  const record = {
    outcome,
    cancelled: outcome.errorKind === 'aborted',
    attempt: {
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      eventType: delivery.eventType,
      statusCode: outcome.statusCode,
      responseTimeMs: outcome.responseTimeMs,
      errorMessage: outcome.errorMessage,
      responseBody: outcome.responseBody === '' ? null : outcome.responseBody,
      createdAt: startedAt,
    },
  }
  switch (next.type) {
    case 'delivered':
      return {
        ...record,
        status: 'delivered',
        nextAttemptAt: decidedAt,
        endpoint: { succeeded: true },
      }
    case 'retry':
      // A test is sent once: its caller already has the answer, and retries in the background
      // would count the same failure against the endpoint again and again.
      if (delivery.eventType === TEST_EVENT) {
        return {
          ...record,
          status: 'failed',
          nextAttemptAt: decidedAt,
          endpoint: { succeeded: false },
          reason: 'a test event is sent once, without retries',
        }
      }
      return {
        ...record,
        status: 'pending',
        nextAttemptAt: next.at,
        endpoint: { succeeded: false },
      }
    case 'give_up':
      return {
        ...record,
        status: 'failed',
        nextAttemptAt: decidedAt,
        endpoint: { succeeded: false },
        reason: next.reason,
      }
    case 'disable':
      return {
        ...record,
        status: 'failed',
        nextAttemptAt: decidedAt,
        endpoint: { succeeded: false, disable: next.reason },
        reason: next.reason,
      }
  }
}
