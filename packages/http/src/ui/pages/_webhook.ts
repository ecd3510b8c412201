import { h } from '../_dom.js'

// The one list of event types, from core's dependency-free module: the browser bundle takes
// this file alone, not core's entry point and its Node dependencies.
export { WEBHOOK_EVENT_TYPES } from '../../../../core/src/webhooks/event-types.js'

/** A webhook endpoint as `GET api/webhooks/` returns it. */
export interface WebhookJson {
  id: string
  url: string
  /** Empty means every event. */
  event_types: string[]
  active: boolean
  description: string
  rate_limit: number | null
  per_row_events: boolean
  disabled_reason: string | null
  failure_count: number
  failing_since: string | null
  /** When each rotated-out secret still signing stops, newest first. */
  previous_secrets_expire_at: string[]
  created_at: string
  updated_at: string
}

/** One delivery attempt, as `GET api/webhooks/{id}/logs/` returns it. */
export interface WebhookLogJson {
  delivery_id: string
  event_type: string
  status_code: number | null
  response_time_ms: number
  error_message: string | null
  created_at: string
}

/** One delivery, as `GET api/webhooks/{id}/deliveries/` returns it. */
export interface WebhookDeliveryJson {
  id: string
  event_type: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  last_status_code: number | null
  last_error: string | null
  created_at: string
  finished_at: string | null
}

/** What an endpoint's health is: the dashboard counts these, the list shows them. */
export type WebhookHealth = 'healthy' | 'failing' | 'disabled' | 'paused'

/**
 * An endpoint turned off automatically is disabled (it has a reason); one turned off by hand is
 * paused; an active one with failures in a row is failing.
 */
export function webhookHealth(endpoint: WebhookJson): WebhookHealth {
  if (!endpoint.active) return endpoint.disabled_reason ? 'disabled' : 'paused'
  return endpoint.failure_count > 0 ? 'failing' : 'healthy'
}

const HEALTH_BADGE: Record<WebhookHealth, { text: string; tone: string }> = {
  healthy: { text: 'Healthy', tone: 'completed' },
  failing: { text: 'Failing', tone: 'failed' },
  disabled: { text: 'Disabled', tone: 'failed' },
  paused: { text: 'Paused', tone: 'cancelled' },
}

/**
 * What turning an endpoint off by hand does, said where it is off. The number is the core's
 * PAUSED_ENDPOINT_EVENTS_KEPT (the UI bundle does not load the core).
 */
export const PAUSED_NOTE = 'Events wait (up to 1,000) and are sent when it is turned on again'

/** The endpoint's health as a badge, with the failure count, disabled reason or what a pause keeps beside it. */
export function healthBadge(endpoint: WebhookJson): HTMLElement {
  const health = webhookHealth(endpoint)
  const { text, tone } = HEALTH_BADGE[health]
  const detail =
    health === 'disabled'
      ? endpoint.disabled_reason
      : health === 'failing'
        ? `${endpoint.failure_count} failed in a row`
        : health === 'paused'
          ? PAUSED_NOTE
          : null
  return h(
    'span',
    { class: 'health' },
    h('span', { class: `badge ${tone}` }, text),
    detail ? h('span', { class: 'hint' }, detail) : null,
  )
}

/** The events an endpoint receives, as text. */
export function eventsText(endpoint: WebhookJson): string {
  return endpoint.event_types.length ? endpoint.event_types.join(', ') : 'All events'
}

/** An attempt's outcome: the status code (or "no answer") and the time it took. */
export function attemptText(attempt: {
  status_code: number | null
  response_time_ms: number
}): string {
  const status = attempt.status_code === null ? 'No answer' : String(attempt.status_code)
  return `${status} · ${Math.round(attempt.response_time_ms)} ms`
}
