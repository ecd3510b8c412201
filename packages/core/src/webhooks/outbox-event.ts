import { type ProductWire, toProduct, toProductWire } from '../product/wire.js'
import type { ProductRecord } from '../storage/types.js'
import type { OutboxEvent } from '../storage/webhook-types.js'
import type { WebhookEventData } from './event-data.js'
import type { WebhookEventType } from './event-types.js'
import { newEventId } from './outbox-ids.js'
import { toWebhookBody } from './sign.js'

/** A product as webhook events carry it: the same fields as the REST API's product JSON. */
export interface ProductEventData extends ProductWire {}

/** The `data` of a product event. */
export function productEventData(record: ProductRecord): ProductEventData {
  return toProductWire(toProduct(record))
}

/**
 * An event for the outbox: a fresh time-ordered id, and the exact body every delivery of it
 * sends (`{"type","timestamp","data"}`).
 *
 * @example
 * ```ts
 * await storage.insertProduct(record, [
 *   toOutboxEvent('product.created', productEventData(record), record.createdAt),
 * ])
 * ```
 */
export function toOutboxEvent<T extends WebhookEventType>(
  type: T,
  data: WebhookEventData<T>,
  at: Date,
  options: { perRow?: boolean; endpointId?: string } = {},
): OutboxEvent {
  return {
    id: newEventId(),
    type,
    payload: toWebhookBody(type, data, at),
    createdAt: at,
    ...(options.perRow ? { perRow: true } : {}),
    ...(options.endpointId === undefined ? {} : { endpointId: options.endpointId }),
  }
}
