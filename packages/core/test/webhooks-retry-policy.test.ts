import {
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
  decideWebhookRetry,
  parseRetryAfter,
  type WebhookAttemptOutcome,
  type WebhookEndpointHealth,
  type WebhookRetryInput,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const start = new Date('2026-11-29T12:00:00.000Z')
const healthy: WebhookEndpointHealth = { consecutiveFailures: 0, failingSince: null }
const noJitter = { jitter: 0 }

type Outcome = WebhookRetryInput['outcome']
const answered = (statusCode: number, retryAfter: string | null = null): Outcome => ({
  ok: statusCode >= 200 && statusCode < 300,
  statusCode,
  errorKind: statusCode < 300 ? null : statusCode < 400 ? 'redirect' : 'http_status',
  retryAfter,
})
const failed = (errorKind: WebhookAttemptOutcome['errorKind']): Outcome => ({
  ok: false,
  statusCode: null,
  errorKind,
  retryAfter: null,
})
const at = (ms: number) => new Date(start.getTime() + ms)

describe('webhook retry policy', () => {
  it('follows the default schedule: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h', () => {
    expect(DEFAULT_WEBHOOK_RETRY_SCHEDULE).toEqual([
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
    ])
    // Replay a receiver that is down for good, on an injected clock: ten attempts, then give up.
    let now = start
    let endpoint = healthy
    const waits: number[] = []
    for (let attempt = 1; ; attempt++) {
      const next = decideWebhookRetry({ attempt, outcome: answered(500), endpoint, now }, noJitter)
      endpoint = next.endpoint
      if (next.type !== 'retry') {
        expect(next).toMatchObject({ type: 'give_up', reason: 'All 10 attempts failed' })
        expect(attempt).toBe(10)
        break
      }
      expect(next.attempt).toBe(attempt + 1)
      waits.push(next.at.getTime() - now.getTime())
      now = next.at
    }
    expect(waits).toEqual(DEFAULT_WEBHOOK_RETRY_SCHEDULE.slice(1))
    expect(endpoint).toEqual({ consecutiveFailures: 10, failingSince: start })
  })

  it('counts only 2xx as delivered, and a success makes the endpoint healthy again', () => {
    const failing = { consecutiveFailures: 3, failingSince: at(-HOUR) }
    for (const status of [200, 201, 204, 299]) {
      expect(
        decideWebhookRetry({
          attempt: 2,
          outcome: answered(status),
          endpoint: failing,
          now: start,
        }),
      ).toEqual({
        type: 'delivered',
        endpoint: healthy,
      })
    }
    for (const status of [301, 302, 400, 404, 500, 502]) {
      expect(
        decideWebhookRetry({ attempt: 2, outcome: answered(status), endpoint: failing, now: start })
          .type,
      ).toBe('retry')
    }
  })

  it('retries after network failures like any other failure', () => {
    for (const kind of ['timeout', 'connection_refused', 'dns', 'forbidden_address'] as const) {
      const next = decideWebhookRetry(
        { attempt: 1, outcome: failed(kind), endpoint: healthy, now: start },
        noJitter,
      )
      expect(next).toMatchObject({ type: 'retry', attempt: 2, at: at(5 * SECOND) })
      expect(next.endpoint).toEqual({ consecutiveFailures: 1, failingSince: start })
    }
  })

  it('jitters each wait by up to the given fraction either way', () => {
    const decide = (random: number) =>
      decideWebhookRetry(
        { attempt: 3, outcome: answered(500), endpoint: healthy, now: start },
        { jitter: 0.2, random: () => random },
      )
    expect(decide(0)).toMatchObject({ at: at(30 * MINUTE * 0.8) })
    expect(decide(0.5)).toMatchObject({ at: at(30 * MINUTE) })
    expect(decide(0.999999)).toMatchObject({
      at: at(Math.round(30 * MINUTE * (1 + 0.2 * 0.999998))),
    })
  })

  it('honours Retry-After on 429 and 503, in seconds or as an HTTP date', () => {
    const decide = (outcome: Outcome) =>
      decideWebhookRetry({ attempt: 1, outcome, endpoint: healthy, now: start }, noJitter)
    expect(decide(answered(429, '120'))).toMatchObject({ at: at(120 * SECOND) })
    expect(decide(answered(503, 'Sun, 29 Nov 2026 13:00:00 GMT'))).toMatchObject({ at: at(HOUR) })
    // A shorter Retry-After than the schedule does not bring the retry forward.
    expect(decide(answered(429, '1'))).toMatchObject({ at: at(5 * SECOND) })
    // Only 429 and 503 are asked to wait.
    expect(decide(answered(500, '120'))).toMatchObject({ at: at(5 * SECOND) })
    // Unreadable values fall back to the schedule.
    expect(decide(answered(429, 'soon'))).toMatchObject({ at: at(5 * SECOND) })
  })

  it('caps Retry-After', () => {
    const outcome = answered(503, String(7 * 24 * 3600))
    expect(
      decideWebhookRetry({ attempt: 1, outcome, endpoint: healthy, now: start }, noJitter),
    ).toMatchObject({
      at: at(DAY),
    })
    expect(
      decideWebhookRetry(
        { attempt: 1, outcome, endpoint: healthy, now: start },
        { ...noJitter, maxRetryAfterMs: 10 * MINUTE },
      ),
    ).toMatchObject({ at: at(10 * MINUTE) })
  })

  it('disables the endpoint at once on 410 Gone', () => {
    expect(
      decideWebhookRetry({ attempt: 1, outcome: answered(410), endpoint: healthy, now: start }),
    ).toEqual({
      type: 'disable',
      reason: 'The receiver answered 410 Gone',
      endpoint: { consecutiveFailures: 1, failingSince: start },
    })
  })

  it('disables an endpoint that failed every attempt for five days, with the reason', () => {
    const failingSince = at(-5 * DAY + MINUTE)
    const endpoint = { consecutiveFailures: 40, failingSince }
    const input = { attempt: 4, outcome: failed('timeout'), endpoint }
    expect(decideWebhookRetry({ ...input, now: start }).type).toBe('retry')
    expect(decideWebhookRetry({ ...input, now: at(MINUTE) })).toEqual({
      type: 'disable',
      reason: 'Every attempt failed for 5 days, since 2026-11-24T12:01:00.000Z',
      endpoint: { consecutiveFailures: 41, failingSince },
    })
  })

  it('takes its schedule and disable window from the options', () => {
    const policy = { schedule: [0, MINUTE], jitter: 0, disableAfterMs: HOUR }
    const first = decideWebhookRetry(
      { attempt: 1, outcome: answered(500), endpoint: healthy, now: start },
      policy,
    )
    expect(first).toMatchObject({ type: 'retry', attempt: 2, at: at(MINUTE) })
    const second = decideWebhookRetry(
      { attempt: 2, outcome: answered(500), endpoint: first.endpoint, now: at(MINUTE) },
      policy,
    )
    expect(second).toMatchObject({ type: 'give_up', reason: 'All 2 attempts failed' })
    const later = decideWebhookRetry(
      { attempt: 1, outcome: answered(500), endpoint: second.endpoint, now: at(HOUR) },
      policy,
    )
    expect(later).toMatchObject({ type: 'disable', reason: expect.stringContaining('1 hours') })
  })

  it('tries a cancelled attempt again without counting it against the endpoint', () => {
    const endpoint = { consecutiveFailures: 2, failingSince: at(-HOUR) }
    expect(
      decideWebhookRetry({ attempt: 3, outcome: failed('aborted'), endpoint, now: start }),
    ).toEqual({
      type: 'retry',
      attempt: 3,
      at: start,
      endpoint,
    })
  })
})

describe('Retry-After values', () => {
  it('reads delta seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('0', start)).toBe(0)
    expect(parseRetryAfter(' 30 ', start)).toBe(30 * SECOND)
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:30 GMT', start)).toBe(30 * SECOND)
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', start)).toBe(0)
    for (const value of [null, undefined, '', '-5', '1.5', '12:00', 'later']) {
      expect(parseRetryAfter(value, start), String(value)).toBeUndefined()
    }
  })
})
