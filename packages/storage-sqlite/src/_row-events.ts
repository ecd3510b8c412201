import { type ProductRecord, productEventData, toOutboxEvent } from '@product-importer/core'
import {
  newDeliveryId,
  PER_ROW_ENDPOINTS_SQL,
  type ReceivingEndpointRow,
  toPerRowReceivers,
} from '@product-importer/core/sql'
import type BetterSqlite3 from 'better-sqlite3'

/** Writes the per-row events of one batch, inside its transaction. */
export type RowEventSink = (
  type: 'product.created' | 'product.updated',
  product: ProductRecord,
) => void

/**
 * Per-row `product.created` / `product.updated` events of an import, for the endpoints that opted
 * in. Call once per batch, inside its transaction: `undefined` when no endpoint takes them, so
 * the rows of that batch cost nothing extra.
 */
export function createRowEvents(database: BetterSqlite3.Database): () => RowEventSink | undefined {
  const endpoints = database.prepare(PER_ROW_ENDPOINTS_SQL)
  let insert: BetterSqlite3.Statement | undefined
  return () => {
    const receivers = toPerRowReceivers(endpoints.all() as ReceivingEndpointRow[])
    if (!receivers) return undefined
    // The same columns enqueueEvents writes: a new pending delivery, due at once.
    insert ??= database.prepare(`INSERT INTO webhook_deliveries
      (id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
      VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`)
    const statement = insert
    return (type, product) => {
      const to = receivers[type]
      if (to.length === 0) return
      const event = toOutboxEvent(type, productEventData(product), product.updatedAt, {
        perRow: true,
      })
      const at = event.createdAt.getTime()
      for (const endpointId of to) {
        statement.run(newDeliveryId(), endpointId, event.id, type, event.payload, at, at)
      }
    }
  }
}
