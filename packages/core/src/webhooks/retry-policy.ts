import { parseRetryAfter } from './retry-after.js'
import type { WebhookAttemptOutcome } from './types.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * The default wait before each attempt of a delivery: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 14 h, 20 h, 24 h (ten attempts over about three days), each jittered.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
]

/** Options of {@link decideWebhookRetry}. */
export interface WebhookRetryPolicy {
  /** Wait before attempt n+1 at index n, in ms; its length is the number of attempts. */
  schedule?: readonly number[]
  /** Each wait moves by up to this fraction either way, so retries do not arrive in herds. @default 0.2 */
  jitter?: number
  /** The longest `Retry-After` honoured on 429 and 503, in ms. @default 86400000 (24 h) */
  maxRetryAfterMs?: number
  /** An endpoint failing every attempt for this long is disabled, in ms. @default 432000000 (5 days) */
  disableAfterMs?: number
  /** Source of randomness for the jitter, in [0, 1). @default Math.random */
  random?: () => number
}

/** What the retry policy tracks of an endpoint. */
export interface WebhookEndpointHealth {
  /** Failed attempts since the last success. */
  consecutiveFailures: number
  /** The first failure since the last success, or `null` while healthy. */
  failingSince: Date | null
}

/** Input of {@link decideWebhookRetry}. */
export interface WebhookRetryInput {
  /** The number of the attempt just made, from 1. */
  attempt: number
  outcome: Pick<WebhookAttemptOutcome, 'ok' | 'statusCode' | 'errorKind' | 'retryAfter'>
  endpoint: WebhookEndpointHealth
  now: Date
}

/** What to do after an attempt; `endpoint` is the endpoint's health to store. */
export type WebhookNextAction =
  | { type: 'delivered'; endpoint: WebhookEndpointHealth }
  | { type: 'retry'; attempt: number; at: Date; endpoint: WebhookEndpointHealth }
  | { type: 'give_up'; reason: string; endpoint: WebhookEndpointHealth }
  | { type: 'disable'; reason: string; endpoint: WebhookEndpointHealth }

const HEALTHY: WebhookEndpointHealth = { consecutiveFailures: 0, failingSince: null }

/**
 * The retry policy, as a pure function of the attempt just made: success is 2xx only; 410
 * disables the endpoint at once; an endpoint that failed every attempt for `disableAfterMs` is
 * disabled; otherwise the next attempt follows the schedule, later when a 429 or 503 asked for
 * it with `Retry-After` (capped), until the schedule runs out.
 *
 * @example
 * ```ts
 * const next = decideWebhookRetry({ attempt: 1, outcome, endpoint: health, now: new Date() })
 * if (next.type === 'retry') schedule(next.attempt, next.at)
 * ```
 */
export function decideWebhookRetry(
  input: WebhookRetryInput,
  policy: WebhookRetryPolicy = {},
): WebhookNextAction {
  const { attempt, outcome, now } = input
  if (outcome.ok) return { type: 'delivered', endpoint: HEALTHY }
  // A cancelled attempt (shutdown) says nothing about the receiver: try again, uncounted.
  if (outcome.errorKind === 'aborted') {
    return { type: 'retry', attempt, at: now, endpoint: input.endpoint }
  }
  const endpoint = {
    consecutiveFailures: input.endpoint.consecutiveFailures + 1,
    failingSince: input.endpoint.failingSince ?? now,
  }
  if (outcome.statusCode === 410) {
    return { type: 'disable', reason: 'The receiver answered 410 Gone', endpoint }
  }
  const disableAfterMs = policy.disableAfterMs ?? 5 * 24 * HOUR
  const failingFor = now.getTime() - endpoint.failingSince.getTime()
  if (failingFor >= disableAfterMs) {
    const reason = `Every attempt failed for ${formatSpan(failingFor)}, since ${endpoint.failingSince.toISOString()}`
    return { type: 'disable', reason, endpoint }
  }
  const schedule = policy.schedule ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE
  if (attempt >= schedule.length) {
    return { type: 'give_up', reason: `All ${schedule.length} attempts failed`, endpoint }
  }
  const jitter = policy.jitter ?? 0.2
  const planned = schedule[attempt]! * (1 + jitter * (2 * (policy.random ?? Math.random)() - 1))
  const asked =
    outcome.statusCode === 429 || outcome.statusCode === 503
      ? parseRetryAfter(outcome.retryAfter, now)
      : undefined
  const cap = policy.maxRetryAfterMs ?? 24 * HOUR
  const delay = Math.max(Math.round(planned), Math.min(asked ?? 0, cap))
  return { type: 'retry', attempt: attempt + 1, at: new Date(now.getTime() + delay), endpoint }
}

function formatSpan(ms: number): string {
  const days = ms / (24 * HOUR)
  if (days >= 1) return `${Number(days.toFixed(1))} days`
  return `${Number((ms / HOUR).toFixed(1))} hours`
}
