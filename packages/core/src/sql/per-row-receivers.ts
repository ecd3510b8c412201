import type { OutboxEvent } from '../storage/webhook-types.js'

/** An endpoint as the outbox filter reads it: booleans as the driver returns them. */
export interface ReceivingEndpointRow {
  id: string
  active: unknown
  event_types: string
  per_row_events: unknown
}

/** Whether an endpoint receives an event: the one rule of every enqueue, in SQL or in an import. */
export function receivesEvent(
  endpoint: ReceivingEndpointRow,
  event: Pick<OutboxEvent, 'type' | 'perRow' | 'endpointId'>,
): boolean {
  if (event.endpointId !== undefined) return endpoint.id === event.endpointId
  if (!endpoint.active) return false
  if (event.perRow && !endpoint.per_row_events) return false
  const types = JSON.parse(endpoint.event_types) as string[]
  return types.length === 0 || types.includes(event.type)
}

/**
 * The endpoints that could take a per-row import event, in SQL every supported database runs
 * as is (a boolean column is a condition on SQLite too). Import writers run it once per batch:
 * endpoints change while an import runs, and the table is tiny.
 */
export const PER_ROW_ENDPOINTS_SQL =
  'select id, active, event_types, per_row_events from webhook_endpoints where active and per_row_events'

/** The endpoint ids that receive each per-row event type of an import. */
export interface PerRowReceivers {
  'product.created': string[]
  'product.updated': string[]
}

/**
 * Which of `endpoints` (rows of {@link PER_ROW_ENDPOINTS_SQL}) receive per-row
 * `product.created` and `product.updated` events; `undefined` when none receives either, so the
 * import writes no event at all.
 *
 * @example
 * ```ts
 * const receivers = toPerRowReceivers(database.prepare(PER_ROW_ENDPOINTS_SQL).all())
 * if (receivers) for (const id of receivers['product.created']) enqueue(id, event)
 * ```
 */
export function toPerRowReceivers(
  endpoints: readonly ReceivingEndpointRow[],
): PerRowReceivers | undefined {
  if (endpoints.length === 0) return undefined
  const to = (type: keyof PerRowReceivers) =>
    endpoints.filter((e) => receivesEvent(e, { type, perRow: true })).map((e) => e.id)
  const receivers: PerRowReceivers = {
    'product.created': to('product.created'),
    'product.updated': to('product.updated'),
  }
  const none = receivers['product.created'].length + receivers['product.updated'].length === 0
  return none ? undefined : receivers
}
