import type { Kysely } from 'kysely'
import type { WebhookEndpointPatch, WebhookEndpointRecord } from '../storage/webhook-types.js'
import type { SqlFlavor } from './flavor.js'
import { toEndpointRecord, toPreviousSecretsJson } from './rows.js'
import type { ImporterDatabase, WebhookEndpointsTable } from './schema.js'

function endpointColumns(
  patch: WebhookEndpointPatch,
  flavor: SqlFlavor,
): Partial<WebhookEndpointsTable> {
  const t = (d: Date | null | undefined) => (d == null ? d : flavor.time(d))
  const b = (v: boolean | undefined) => (v === undefined ? undefined : flavor.bool(v))
  const columns: Partial<WebhookEndpointsTable> = {
    url: patch.url,
    event_types: patch.eventTypes && JSON.stringify(patch.eventTypes),
    active: b(patch.active),
    description: patch.description,
    secret: patch.secret,
    previous_secrets: patch.previousSecrets && toPreviousSecretsJson(patch.previousSecrets),
    rate_limit: patch.rateLimit,
    per_row_events: b(patch.perRowEvents),
    failure_count: patch.failureCount,
    failing_since: t(patch.failingSince),
    disabled_reason: patch.disabledReason,
  }
  for (const key of Object.keys(columns) as (keyof WebhookEndpointsTable)[]) {
    if (columns[key] === undefined) delete columns[key]
  }
  return columns
}

/** Shared webhook-endpoint queries of the Kysely adapters. */
export function createEndpointQueries(db: Kysely<ImporterDatabase>, flavor: SqlFlavor) {
  const get = async (id: string) => {
    const row = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && toEndpointRecord(row)
  }
  return {
    get,

    async create(record: WebhookEndpointRecord): Promise<WebhookEndpointRecord> {
      await db
        .insertInto('webhook_endpoints')
        .values({
          ...(endpointColumns(record, flavor) as WebhookEndpointsTable),
          id: record.id,
          created_at: flavor.time(record.createdAt),
          updated_at: flavor.time(record.updatedAt),
        })
        .execute()
      return record
    },

    async list(): Promise<WebhookEndpointRecord[]> {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toEndpointRecord)
    },

    async update(
      id: string,
      patch: WebhookEndpointPatch,
      options: { ifSecret?: string } = {},
    ): Promise<WebhookEndpointRecord | undefined> {
      const { ifSecret } = options
      const result = await db
        .updateTable('webhook_endpoints')
        .set({ ...endpointColumns(patch, flavor), updated_at: flavor.time(new Date()) })
        .where('id', '=', id)
        .$if(ifSecret !== undefined, (query) => query.where('secret', '=', ifSecret ?? ''))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 0 ? undefined : get(id)
    },

    async delete(id: string): Promise<boolean> {
      // Attempts and deliveries go first: SQLite only cascades with foreign keys turned on.
      await db.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute()
      await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
      const result = await db
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
