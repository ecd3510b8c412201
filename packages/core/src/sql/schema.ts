import type { Generated } from 'kysely'
import type { FIELDS, ProductField } from '../product/fields.js'

// Column types as both drivers return them: timestamps are integer milliseconds in SQLite and
// Date in PostgreSQL, booleans 0/1 or true/false, bigints numbers or strings. The mappers in
// rows.ts turn them into the contract's records.
type Time = number | Date
type Bool = number | boolean
type BigInt = number | string

/** The `products` table: one row per product, unique by `sku_key`. */
export interface ProductsTable {
  id: string
  sku: string
  sku_key: string
  name: string
  /** Added by `0009_product_name_key`: `nameKey(name)`, what products sort by name on. */
  name_key: string
  description: string
  price_cents: BigInt | null
  quantity: number
  active: Bool
  /** Added by `0010_catalog_fields`, with the columns below. */
  barcode: string | null
  brand: string | null
  category: string | null
  /** JSON array of texts: SQLite holds its text, PostgreSQL a `jsonb` (read back parsed). */
  tags: string | string[]
  /** JSON array of URLs, as `tags`. */
  images: string | string[]
  compare_at_price_cents: BigInt | null
  weight_grams: number | null
  variant_group: string | null
  created_at: Time
  updated_at: Time
}

// Checked by the compiler: every field of the table has its column here.
type MissingColumn = Exclude<(typeof FIELDS)[ProductField]['column'], keyof ProductsTable>
const everyFieldHasItsColumn: [MissingColumn] extends [never] ? true : MissingColumn = true
void everyFieldHasItsColumn

/** The `import_jobs` table: one row per import, its counts and outcome. */
export interface ImportJobsTable {
  id: string
  status: string
  phase: string
  filename: string | null
  dry_run: Bool
  bytes_read: BigInt
  bytes_total: BigInt | null
  rows: number
  created: number
  updated: number
  unchanged: number
  invalid: number
  duplicates_in_file: number
  cancel_requested: Bool
  error_code: string | null
  error_message: string | null
  created_at: Time
  started_at: Time | null
  finished_at: Time | null
  updated_at: Time
  /** Added by `0004_job_heartbeat`. */
  owner_id: string | null
  heartbeat_at: Time | null
  /** JSON of the job's `ImportCheckpoint`. */
  checkpoint: string | null
  /** JSON of the job's `ImportResumeInfo`. */
  resume: string | null
  /** Added by `0005_job_preview`: JSON of a dry run's `ChangeSample[]`. */
  change_samples: string | null
  /** Added by `0007_job_reading`: the platform, and JSON of the job's mapping, warnings and
   * applied remembered mapping. */
  platform: string | null
  mapping: string | null
  warnings: string | null
  remembered_mapping: string | null
}

/** The `import_row_errors` table: the rows an import could not apply. */
export interface ImportRowErrorsTable {
  id: Generated<BigInt>
  job_id: string
  line: number
  sku: string | null
  column_name: string | null
  value: string | null
  message: string
}

/** The `webhook_endpoints` table: where webhooks go, and how each endpoint is doing. */
export interface WebhookEndpointsTable {
  id: string
  url: string
  /** JSON array of event types; `[]` for every type. */
  event_types: string
  active: Bool
  description: string
  secret: string
  /** JSON array of `{"secret", "expires_at"}` (ISO 8601), newest first. */
  previous_secrets: string
  rate_limit: number | null
  per_row_events: Bool
  failure_count: number
  failing_since: Time | null
  disabled_reason: string | null
  created_at: Time
  updated_at: Time
}

/** The `webhook_deliveries` table, the outbox: one event on its way to one endpoint. */
export interface WebhookDeliveriesTable {
  id: string
  endpoint_id: string
  event_id: string
  event_type: string
  payload: string
  status: string
  attempts: number
  next_attempt_at: Time
  lease_owner: string | null
  lease_until: Time | null
  last_status_code: number | null
  last_error: string | null
  created_at: Time
  finished_at: Time | null
}

/** The `webhook_attempts` table: the log of every try at sending a delivery. */
export interface WebhookAttemptsTable {
  id: Generated<BigInt>
  delivery_id: string
  endpoint_id: string
  event_type: string
  status_code: number | null
  response_time_ms: number
  error_message: string | null
  response_body: string | null
  created_at: Time
}

/**
 * The `webhook_row_events` table: the per-row events of one import batch and event type, until
 * a dispatcher expands them into deliveries.
 */
export interface WebhookRowEventsTable {
  id: Generated<BigInt>
  event_type: string
  /** JSON array of the ids of the endpoints that receive them. */
  endpoint_ids: string
  /** JSON array of the ids of the products the batch created or updated. */
  product_ids: string
  /** The batch's time: the events' timestamp. */
  created_at: Time
}

/** The `column_mappings` table: remembered column mappings by header signature. */
export interface ColumnMappingsTable {
  signature: string
  /** JSON object of field to header name. */
  columns: string
  /** JSON array of the header names, in file order. */
  headers: string
  created_at: Time
  updated_at: Time
}

/** The tables product-importer keeps, as Kysely sees them. */
export interface ImporterDatabase {
  products: ProductsTable
  import_jobs: ImportJobsTable
  import_row_errors: ImportRowErrorsTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
  webhook_row_events: WebhookRowEventsTable
  column_mappings: ColumnMappingsTable
}
