import type { Kysely } from 'kysely'
import type { WebhookEventType } from '../webhooks/event-types.js'
import { productEventData, toOutboxEvent } from '../webhooks/outbox-event.js'
import { newDeliveryId } from '../webhooks/outbox-ids.js'
import type { SqlFlavor } from './flavor.js'
import { toProductRecord } from './rows.js'
import type { ImporterDatabase, WebhookDeliveriesTable } from './schema.js'

type Db = Kysely<ImporterDatabase>

/** Products read at once: far under every driver's parameter limit. */
const READ_CHUNK = 500
/** Deliveries inserted at once: 14 columns each, far under every driver's parameter limit. */
const INSERT_CHUNK = 500

/**
 * Expands the oldest per-row event record into deliveries, in the transaction `trx`, and deletes
 * it there: a transaction that fails leaves the record for the next try, and one that commits
 * leaves nothing to expand twice. Where the database can, the record is taken with
 * `SKIP LOCKED`, so dispatchers expanding at once take different records. Each product of the
 * record that still exists gives one event, carrying the product as it is now and timestamped
 * at the batch, with one delivery per endpoint of the record that still exists; a product
 * deleted since gives none (its deletion has its own `product.deleted` event). Returns the
 * deliveries written, or `undefined` when no record was left to take.
 */
export async function expandRowEvent(trx: Db, flavor: SqlFlavor): Promise<number | undefined> {
  let oldest = trx.selectFrom('webhook_row_events').select('id').orderBy('id').limit(1)
  if (flavor.skipLocked) oldest = oldest.forUpdate().skipLocked()
  const record = await trx
    .deleteFrom('webhook_row_events')
    .where('id', '=', oldest)
    .returningAll()
    .executeTakeFirst()
  if (!record) return undefined

  const endpointIds = JSON.parse(record.endpoint_ids) as string[]
  const productIds = JSON.parse(record.product_ids) as string[]
  if (endpointIds.length === 0 || productIds.length === 0) return 0
  // An endpoint deleted since the batch took its deliveries with it.
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('id', 'in', endpointIds)
    .orderBy('id')
    .execute()
  if (endpoints.length === 0) return 0

  const at =
    record.created_at instanceof Date ? record.created_at : new Date(Number(record.created_at))
  const type = record.event_type as WebhookEventType
  let written = 0
  for (let i = 0; i < productIds.length; i += READ_CHUNK) {
    const products = await trx
      .selectFrom('products')
      .selectAll()
      .where('id', 'in', productIds.slice(i, i + READ_CHUNK))
      .orderBy('id')
      .execute()
    const rows: WebhookDeliveriesTable[] = []
    for (const product of products) {
      const event = toOutboxEvent(type, productEventData(toProductRecord(product)), at)
      for (const endpoint of endpoints) {
        rows.push({
          id: newDeliveryId(),
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_type: type,
          payload: event.payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: flavor.time(at),
          lease_owner: null,
          lease_until: null,
          last_status_code: null,
          last_error: null,
          created_at: flavor.time(at),
          finished_at: null,
        })
      }
    }
    for (let j = 0; j < rows.length; j += INSERT_CHUNK) {
      await trx
        .insertInto('webhook_deliveries')
        .values(rows.slice(j, j + INSERT_CHUNK))
        .execute()
    }
    written += rows.length
  }
  return written
}

/** Whether any per-row event record waits to be expanded. */
export async function hasRowEvents(db: Db): Promise<boolean> {
  const row = await db.selectFrom('webhook_row_events').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}
