import type { Selectable } from 'kysely'
import type { ImportErrorCode, Platform } from '../import/types.js'
import { FIELD_NAMES, FIELDS, type FieldSpec, unknownKind } from '../product/fields.js'
import { nameKey } from '../product/name-key.js'
import type { ImportJobRecord, ProductRecord, RowError } from '../storage/types.js'
import type {
  PreviousWebhookSecret,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
} from '../storage/webhook-types.js'
import type { SqlFlavor } from './flavor.js'
import type {
  ImportJobsTable,
  ImportRowErrorsTable,
  ProductsTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from './schema.js'

/** A time as a driver returns it (SQLite: milliseconds; PostgreSQL: a Date), as a Date. */
export const toDate = (value: number | Date | string): Date =>
  value instanceof Date ? value : new Date(Number(value))
const toDateOrNull = (value: number | Date | string | null): Date | null =>
  value === null ? null : toDate(value)

const SPECS: readonly FieldSpec[] = FIELD_NAMES.map((field) => FIELDS[field])

/** A stored column's value as the record holds it, whichever driver read it. */
function fromColumn(spec: FieldSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (spec.kind) {
    case 'money':
      return Number(value)
    case 'boolean':
      return Boolean(value)
    case 'list':
      // SQLite holds the JSON text; PostgreSQL's driver parses its jsonb.
      return typeof value === 'string' ? JSON.parse(value) : value
    case 'text':
    case 'integer':
      return value
    default:
      return unknownKind(spec.kind)
  }
}

/** A `products` row as a {@link ProductRecord}. */
export function toProductRecord(row: Selectable<ProductsTable>): ProductRecord {
  const stored = row as unknown as Record<string, unknown>
  const record: Record<string, unknown> = { id: row.id }
  for (const spec of SPECS) record[spec.key] = fromColumn(spec, stored[spec.column])
  record.skuKey = row.sku_key
  record.createdAt = toDate(row.created_at)
  record.updatedAt = toDate(row.updated_at)
  return record as unknown as ProductRecord
}

/** A record's value of `spec` as its column stores it. */
export function toColumn(spec: FieldSpec, value: unknown, flavor: SqlFlavor): unknown {
  if (value === null) return null
  if (spec.kind === 'list') return JSON.stringify(value)
  return spec.kind === 'boolean' ? flavor.bool(value as boolean) : value
}

/** A {@link ProductRecord} as a `products` row. */
export function fromProductRecord(record: ProductRecord, flavor: SqlFlavor): ProductsTable {
  const row: Record<string, unknown> = { id: record.id }
  for (const spec of SPECS) row[spec.column] = toColumn(spec, record[spec.key], flavor)
  row.sku_key = record.skuKey
  row.name_key = nameKey(record.name)
  row.created_at = flavor.time(record.createdAt)
  row.updated_at = flavor.time(record.updatedAt)
  return row as unknown as ProductsTable
}

/** An `import_jobs` row as an {@link ImportJobRecord}. */
export function toJobRecord(row: Selectable<ImportJobsTable>): ImportJobRecord {
  return {
    id: row.id,
    status: row.status as ImportJobRecord['status'],
    phase: row.phase as ImportJobRecord['phase'],
    filename: row.filename,
    dryRun: Boolean(row.dry_run),
    bytesRead: Number(row.bytes_read),
    bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
    rows: row.rows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    invalid: row.invalid,
    duplicatesInFile: row.duplicates_in_file,
    cancelRequested: Boolean(row.cancel_requested),
    error:
      row.error_code === null
        ? null
        : // Written only from an ImportErrorCode (jobs.ts).
          { code: row.error_code as ImportErrorCode, message: row.error_message ?? '' },
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    updatedAt: toDate(row.updated_at),
    // Set only when known, so jobs of stores that never ran an owner compare as before.
    ...(row.owner_id == null ? {} : { ownerId: row.owner_id }),
    ...(row.heartbeat_at == null ? {} : { heartbeatAt: toDate(row.heartbeat_at) }),
    ...(row.checkpoint == null ? {} : { checkpoint: JSON.parse(row.checkpoint) }),
    ...(row.resume == null ? {} : { resume: JSON.parse(row.resume) }),
    ...(row.change_samples == null ? {} : { changeSamples: JSON.parse(row.change_samples) }),
    ...(row.platform == null ? {} : { platform: row.platform as Platform }),
    ...(row.mapping == null ? {} : { mapping: JSON.parse(row.mapping) }),
    ...(row.warnings == null ? {} : { warnings: JSON.parse(row.warnings) }),
    ...(row.remembered_mapping == null
      ? {}
      : { rememberedMapping: JSON.parse(row.remembered_mapping) }),
  }
}

/** An `import_row_errors` row as a {@link RowError}. */
export function toRowError(row: Selectable<ImportRowErrorsTable>): RowError {
  return {
    line: row.line,
    sku: row.sku,
    column: row.column_name,
    value: row.value,
    message: row.message,
  }
}

/** Previous secrets as the `previous_secrets` column holds them: JSON, times in ISO 8601. */
export function toPreviousSecretsJson(secrets: readonly PreviousWebhookSecret[]): string {
  return JSON.stringify(
    secrets.map(({ secret, expiresAt }) => ({ secret, expires_at: expiresAt.toISOString() })),
  )
}

function fromPreviousSecretsJson(json: string): PreviousWebhookSecret[] {
  const stored = JSON.parse(json) as { secret: string; expires_at: string }[]
  return stored.map(({ secret, expires_at }) => ({ secret, expiresAt: new Date(expires_at) }))
}

/** A `webhook_endpoints` row as a {@link WebhookEndpointRecord}. */
export function toEndpointRecord(row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    eventTypes: JSON.parse(row.event_types) as string[],
    active: Boolean(row.active),
    description: row.description,
    secret: row.secret,
    previousSecrets: fromPreviousSecretsJson(row.previous_secrets),
    rateLimit: row.rate_limit,
    perRowEvents: Boolean(row.per_row_events),
    failureCount: row.failure_count,
    failingSince: toDateOrNull(row.failing_since),
    disabledReason: row.disabled_reason,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  }
}

/** A `webhook_deliveries` row as a {@link WebhookDeliveryRecord}. */
export function toDeliveryRecord(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: toDate(row.created_at),
    finishedAt: toDateOrNull(row.finished_at),
  }
}

/** A `webhook_attempts` row as a {@link WebhookAttemptRecord}. */
export function toAttemptRecord(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    deliveryId: row.delivery_id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    statusCode: row.status_code,
    responseTimeMs: row.response_time_ms,
    errorMessage: row.error_message,
    responseBody: row.response_body,
    createdAt: toDate(row.created_at),
  }
}
