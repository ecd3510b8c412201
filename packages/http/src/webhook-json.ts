import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpoint,
} from '@product-importer/core'
import type { WebhookDeliveryJson, WebhookJson, WebhookLogJson } from './schemas.js'

/** A webhook endpoint as the API returns it, never with its secret. */
export function toWebhookJson(endpoint: WebhookEndpoint): WebhookJson {
  return {
    id: endpoint.id,
    url: endpoint.url,
    event_types: [...endpoint.eventTypes],
    active: endpoint.active,
    description: endpoint.description,
    rate_limit: endpoint.rateLimit,
    per_row_events: endpoint.perRowEvents,
    disabled_reason: endpoint.disabledReason,
    failure_count: endpoint.failureCount,
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    previous_secrets_expire_at: endpoint.previousSecretsExpireAt.map((at) => at.toISOString()),
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  }
}

/** An endpoint with its signing secret, for the routes that show it. */
export function toWebhookWithSecretJson(
  endpoint: WebhookEndpoint & { secret: string },
): WebhookJson & { secret: string } {
  return { ...toWebhookJson(endpoint), secret: endpoint.secret }
}

/** One attempt, with the older product's WebhookLog names. */
export function toWebhookLogJson(attempt: WebhookAttemptRecord): WebhookLogJson {
  return {
    delivery_id: attempt.deliveryId,
    event_type: attempt.eventType,
    status_code: attempt.statusCode,
    response_time_ms: attempt.responseTimeMs,
    error_message: attempt.errorMessage,
    created_at: attempt.createdAt.toISOString(),
  }
}

/** One delivery, without its payload. */
export function toWebhookDeliveryJson(delivery: WebhookDeliveryRecord): WebhookDeliveryJson {
  return {
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt.toISOString(),
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    created_at: delivery.createdAt.toISOString(),
    finished_at: delivery.finishedAt?.toISOString() ?? null,
  }
}
