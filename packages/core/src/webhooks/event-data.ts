import type { ImportErrorCode } from '../import/types.js'
import type { WebhookEventType } from './event-types.js'
import type { ProductEventData } from './outbox-event.js'

/** The `data` of `import.started`: the job, before it has counts. */
export interface ImportStartedEventData {
  job_id: string
  /** The file's name as the import was given it; `null` for a stream without one. */
  filename: string | null
  /** Always `false`: a dry run fires no event. */
  dry_run: boolean
}

/** The `data` of `import.completed`, `import.failed` and `import.cancelled`. */
export interface ImportEndedEventData extends ImportStartedEventData {
  /** `interrupted` (with `import.failed`) for a job whose process stopped beating. */
  status: 'completed' | 'failed' | 'cancelled' | 'interrupted'
  rows: number
  created: number
  updated: number
  unchanged: number
  invalid: number
  duplicates_in_file: number
  /** The job's error report, relative to where the API is mounted. */
  errors_url: string
  /** Why a failed or interrupted job stopped; absent otherwise. */
  error?: { code: ImportErrorCode; message: string }
}

/**
 * The `data` each event type carries, the same in a webhook delivery's body and in an
 * in-process subscription.
 */
export interface WebhookEventDataMap {
  'product.created': ProductEventData
  'product.updated': ProductEventData
  /** The product as it was before it was deleted. */
  'product.deleted': ProductEventData
  'products.deleted_all': { count: number }
  'import.started': ImportStartedEventData
  'import.completed': ImportEndedEventData
  'import.failed': ImportEndedEventData
  'import.cancelled': ImportEndedEventData
  'webhook.test': { endpoint_id: string }
}

/** The `data` of an event of type `T`. */
export type WebhookEventData<T extends WebhookEventType = WebhookEventType> = WebhookEventDataMap[T]

/**
 * One catalog event, as the outbox stores it and the in-process bus hands it out: a union
 * discriminated by `type`, so checking the type narrows `data`.
 *
 * @example
 * ```ts
 * for await (const e of importer.webhooks.subscribe()) {
 *   if (e.type === 'product.created') console.log(e.data.sku)
 *   else if (e.type === 'import.completed') console.log(e.data.created)
 * }
 * ```
 */
export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: {
    /** Stable id: the `webhook-id` of every delivery of this event. */
    id: string
    type: K
    occurredAt: Date
    data: WebhookEventDataMap[K]
  }
}[T]

/**
 * One event as a receiver gets it: the JSON body of every delivery, discriminated by `type`
 * like {@link WebhookEvent}.
 *
 * @example
 * ```ts
 * const message = JSON.parse(body) as WebhookMessage
 * if (message.type === 'import.failed') console.log(message.data.error?.code)
 * ```
 */
export type WebhookMessage<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: {
    type: K
    /** When the event happened, ISO 8601. */
    timestamp: string
    data: WebhookEventDataMap[K]
  }
}[T]
