import { type Expression, type Kysely, type SqlBool, sql } from 'kysely'
import type {
  AttemptResult,
  ClaimedDelivery,
  ClaimOptions,
  OutboxEvent,
  RequeueOptions,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookPageOptions,
} from '../storage/webhook-types.js'
import { newDeliveryId } from '../webhooks/outbox-ids.js'
import { PAUSED_ENDPOINT_EVENTS_KEPT } from '../webhooks/paused-events.js'
import type { SqlFlavor } from './flavor.js'
import { receivesEvent } from './per-row-receivers.js'
import { toAttemptRecord, toDeliveryRecord, toEndpointRecord } from './rows.js'
import type { ImporterDatabase, WebhookDeliveriesTable } from './schema.js'

type Db = Kysely<ImporterDatabase>

/** Rows a multi-row insert writes at once: far under every driver's parameter limit. */
const INSERT_CHUNK = 50

/**
 * How many more events each endpoint paused by hand may keep (an endpoint the dispatcher
 * turned off has a reason and keeps none: its receiver said it is gone, or kept failing).
 */
async function roomWhilePaused(
  db: Db,
  endpoints: readonly { id: string; active: unknown; disabled_reason: string | null }[],
): Promise<Map<string, number>> {
  const room = new Map<string, number>()
  for (const endpoint of endpoints) {
    if (!endpoint.active && endpoint.disabled_reason === null) {
      room.set(endpoint.id, PAUSED_ENDPOINT_EVENTS_KEPT)
    }
  }
  if (room.size === 0) return room
  const waiting = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['endpoint_id', eb.fn.countAll<string | number>().as('n')])
    .where('endpoint_id', 'in', [...room.keys()])
    .where('status', '=', 'pending')
    .groupBy('endpoint_id')
    .execute()
  for (const row of waiting) {
    room.set(row.endpoint_id, PAUSED_ENDPOINT_EVENTS_KEPT - Number(row.n))
  }
  return room
}

/**
 * Writes one delivery per endpoint that receives each event; returns how many. An endpoint
 * paused by hand keeps up to {@link PAUSED_ENDPOINT_EVENTS_KEPT} events, which wait (the
 * dispatcher claims for active endpoints only) until it is turned on again.
 */
export async function enqueueEvents(
  db: Db,
  flavor: SqlFlavor,
  events: readonly OutboxEvent[],
): Promise<number> {
  if (events.length === 0) return 0
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'active', 'event_types', 'per_row_events', 'disabled_reason'])
    .execute()
  const room = await roomWhilePaused(db, endpoints)
  const rows: WebhookDeliveriesTable[] = []
  for (const event of events) {
    for (const endpoint of endpoints) {
      const left = event.endpointId === undefined ? room.get(endpoint.id) : undefined
      if (left === undefined) {
        if (!receivesEvent(endpoint, event)) continue
      } else {
        // Paused: the rule of an active endpoint, within what the pause may keep.
        if (event.perRow || left <= 0 || !receivesEvent({ ...endpoint, active: true }, event)) {
          continue
        }
        room.set(endpoint.id, left - 1)
      }
      rows.push({
        id: newDeliveryId(),
        endpoint_id: endpoint.id,
        event_id: event.id,
        event_type: event.type,
        payload: event.payload,
        status: 'pending',
        attempts: 0,
        next_attempt_at: flavor.time(event.createdAt),
        lease_owner: null,
        lease_until: null,
        last_status_code: null,
        last_error: null,
        created_at: flavor.time(event.createdAt),
        finished_at: null,
      })
    }
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute()
  }
  return rows.length
}

/** Shared outbox queries of the Kysely adapters, outside transactions. */
export function createOutboxQueries(db: Db, flavor: SqlFlavor) {
  const t = flavor.time

  return {
    async claim({ owner, now, leaseMs, limit, ids }: ClaimOptions): Promise<ClaimedDelivery[]> {
      const at = t(now)
      const free = (column: 'webhook_deliveries.lease_until' | 'd.lease_until') =>
        sql<SqlBool>`(${sql.ref(column)} is null or ${sql.ref(column)} < ${at})`
      const claimed = await db
        .with('due', (qb) => {
          let due = qb
            .selectFrom('webhook_deliveries as d')
            .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
            .select('d.id')
            .where('d.status', '=', 'pending')
            .where(free('d.lease_until'))
          due = ids
            ? due.where('d.id', 'in', ids.length > 0 ? [...ids] : [''])
            : due
                .where('d.next_attempt_at', '<=', at)
                .where('e.active', '=', flavor.bool(true))
                .orderBy('d.next_attempt_at')
                .limit(limit)
          // Claimers at once pass over each other's rows; without it they wait, then re-check.
          return flavor.skipLocked ? due.forUpdate('d').skipLocked() : due
        })
        // A CTE runs once: PostgreSQL may run an `IN (subquery ... limit)` again per row and
        // claim more than `limit`.
        .updateTable('webhook_deliveries')
        .from('due')
        .set({ lease_owner: owner, lease_until: t(new Date(now.getTime() + leaseMs)) })
        .whereRef('webhook_deliveries.id', '=', 'due.id')
        // Checked again on the row itself: a claimer that waited for the row sees the new lease.
        .where('webhook_deliveries.status', '=', 'pending')
        .where(free('webhook_deliveries.lease_until'))
        .returning('webhook_deliveries.id')
        .execute()
      if (claimed.length === 0) return []
      // Read back by id (SQLite's RETURNING takes no `table.*`); the lease keeps them ours.
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where(
          'id',
          'in',
          claimed.map((row) => row.id),
        )
        .execute()
      const endpoints = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', 'in', [...new Set(rows.map((row) => row.endpoint_id))])
        .execute()
      const byId = new Map(endpoints.map((row) => [row.id, toEndpointRecord(row)]))
      return rows
        .map(toDeliveryRecord)
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
        .flatMap((delivery) => {
          const endpoint = byId.get(delivery.endpointId)
          return endpoint ? [{ delivery, endpoint }] : []
        })
    },

    async nextDue(now: Date): Promise<Date | undefined> {
      const at = t(now)
      const row = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .where('d.status', '=', 'pending')
        .where('e.active', '=', flavor.bool(true))
        .select((eb) => [
          eb.fn
            .min('d.next_attempt_at')
            .filterWhere(sql<SqlBool>`(d.lease_until is null or d.lease_until < ${at})`)
            .as('due'),
          eb.fn.min('d.lease_until').filterWhere('d.lease_until', '>=', at).as('leased'),
        ])
        .executeTakeFirst()
      const times = [row?.due, row?.leased]
        .filter((value) => value !== null && value !== undefined)
        .map((value) => (value instanceof Date ? value : new Date(Number(value))))
      if (times.length === 0) return undefined
      return new Date(Math.min(...times.map((d) => d.getTime())))
    },

    async get(id: string): Promise<WebhookDeliveryRecord | undefined> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return row && toDeliveryRecord(row)
    },

    async list(
      endpointId: string,
      {
        limit = 50,
        offset = 0,
        status,
      }: WebhookPageOptions & { status?: WebhookDeliveryStatus } = {},
    ): Promise<WebhookDeliveryRecord[]> {
      let q = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId)
      if (status) q = q.where('status', '=', status)
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute()
      return rows.map(toDeliveryRecord)
    },

    async attempts(
      endpointId: string,
      { limit = 50, offset = 0 }: WebhookPageOptions = {},
    ): Promise<WebhookAttemptRecord[]> {
      const rows = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute()
      return rows.map(toAttemptRecord)
    },

    async requeue({ endpointId, now, deliveryId, failedSince }: RequeueOptions): Promise<number> {
      let q = db
        .updateTable('webhook_deliveries')
        .set({
          status: 'pending',
          next_attempt_at: t(now),
          finished_at: null,
          lease_owner: null,
          lease_until: null,
        })
        .where('endpoint_id', '=', endpointId)
      if (deliveryId !== undefined) q = q.where('id', '=', deliveryId)
      if (failedSince !== undefined) {
        q = q.where('status', '=', 'failed').where('created_at', '>=', t(failedSince))
      }
      const result = await q.executeTakeFirst()
      return Number(result.numUpdatedRows)
    },

    async prune(before: Date): Promise<number> {
      const at = t(before)
      const attempts = await db
        .deleteFrom('webhook_attempts')
        .where('created_at', '<', at)
        .executeTakeFirst()
      const finished: Expression<SqlBool> = sql<SqlBool>`status <> 'pending' and finished_at < ${at}`
      const old = db.selectFrom('webhook_deliveries').select('id').where(finished)
      const theirAttempts = await db
        .deleteFrom('webhook_attempts')
        .where('delivery_id', 'in', old)
        .executeTakeFirst()
      const deliveries = await db
        .deleteFrom('webhook_deliveries')
        .where(finished)
        .executeTakeFirst()
      return (
        Number(attempts.numDeletedRows) +
        Number(theirAttempts.numDeletedRows) +
        Number(deliveries.numDeletedRows)
      )
    },
  }
}

/** The `webhook_attempts` row of an attempt. */
export function attemptRow(attempt: AttemptResult['attempt'], flavor: SqlFlavor) {
  return {
    delivery_id: attempt.deliveryId,
    endpoint_id: attempt.endpointId,
    event_type: attempt.eventType,
    status_code: attempt.statusCode,
    response_time_ms: Math.round(attempt.responseTimeMs),
    error_message: attempt.errorMessage,
    response_body: attempt.responseBody,
    created_at: flavor.time(attempt.createdAt),
  }
}

/**
 * Records an attempt in the transaction `trx`: the delivery's new state (releasing its lease),
 * the log row, and the endpoint's failures as increments. False, writing nothing, when `owner`
 * lost the lease.
 */
export async function recordAttempt(
  trx: Db,
  flavor: SqlFlavor,
  { owner, attempt, status, nextAttemptAt, endpoint }: AttemptResult,
): Promise<boolean> {
  const t = flavor.time
  const at = t(attempt.createdAt)
  const moved = await trx
    .updateTable('webhook_deliveries')
    .set({
      status,
      attempts: sql`attempts + 1`,
      next_attempt_at: t(nextAttemptAt),
      lease_owner: null,
      lease_until: null,
      last_status_code: attempt.statusCode,
      last_error: attempt.errorMessage,
      finished_at: status === 'pending' ? null : at,
    })
    .where('id', '=', attempt.deliveryId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst()
  if (Number(moved.numUpdatedRows) === 0) return false
  await trx.insertInto('webhook_attempts').values(attemptRow(attempt, flavor)).execute()
  await trx
    .updateTable('webhook_endpoints')
    .set(
      endpoint.succeeded
        ? { failure_count: 0, failing_since: null }
        : {
            failure_count: sql`failure_count + 1`,
            failing_since: sql`coalesce(failing_since, ${at})`,
          },
    )
    .where('id', '=', attempt.endpointId)
    // A success on a healthy endpoint changes nothing: leave the row unwritten.
    .$if(endpoint.succeeded, (q) =>
      q.where((eb) => eb.or([eb('failure_count', '<>', 0), eb('failing_since', 'is not', null)])),
    )
    .execute()
  if (endpoint.disable !== undefined) {
    await trx
      .updateTable('webhook_endpoints')
      .set({ active: flavor.bool(false), disabled_reason: endpoint.disable, updated_at: at })
      .where('id', '=', attempt.endpointId)
      .execute()
  }
  return true
}
