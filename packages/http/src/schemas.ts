import {
  FIELDS,
  IMPORT_JOB_STATUSES,
  IMPORT_WARNING_CODES,
  MAX_PREVIOUS_WEBHOOK_SECRETS,
  PLATFORMS,
  type Platform,
  PRODUCT_FIELDS,
  type ProductSort,
  type ProductWire,
  productWireInputSchema,
  productWireSchema,
  SORT_FIELDS,
  strictObject,
  VALUE_FIELDS,
} from '@product-importer/core'
import { z } from 'zod'
import { FLAG_SPELLINGS, filterFlagSchema, flagSchema } from './_flag.js'
import { mappingSchema } from './_reading-options.js'

// The API's wire shapes, derived from the core's zod schemas: the OpenAPI document is generated
// from these, so it cannot drift from what the handlers accept and return.

/** A product as the API returns it (snake_case timestamps as ISO strings). */
export const productJsonSchema = productWireSchema

/** Body of `POST /api/products/`. */
export const productCreateBodySchema = productWireInputSchema

const PRODUCT_INPUT_FIELDS = Object.keys(productWireInputSchema.shape)
const NULLABLE = new Set<string>(PRODUCT_FIELDS.filter((field) => FIELDS[field].nullable))

/**
 * Body of `PUT /api/products/{id}/`: the whole product, every field present (`price` may be
 * null). A field left out would otherwise be reset to a default the client never saw, so each
 * missing one is named instead.
 */
export const productReplaceBodySchema = z.preprocess((input, ctx) => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
  for (const field of PRODUCT_INPUT_FIELDS) {
    if (field in input) continue
    const hint = NULLABLE.has(field) ? `; send null for no ${field}` : ''
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `${field} is missing (PUT replaces the whole product${hint})`,
    })
  }
  return input
}, productWireInputSchema.required())
/** Body of `PATCH /api/products/{id}/`. */
export const productPatchBodySchema = productWireInputSchema.partial()

const PRODUCT_SORTS = SORT_FIELDS.flatMap((field) => [field, `-${field}`]) as [
  ProductSort,
  ...ProductSort[],
]

/** The product filters, their text values read by `text`. */
const productFilters = (text: z.ZodString) =>
  strictObject({
    sku: text.optional().describe('Case-insensitive substring of the SKU'),
    name: text.optional().describe('Case-insensitive substring of the name'),
    description: text.optional().describe('Case-insensitive substring of the description'),
    q: text.optional().describe('Matches sku, name or description'),
    active: filterFlagSchema.optional().describe('Only active (true) or inactive (false) products'),
    brand: text.optional().describe('Exactly this brand'),
    category: text
      .optional()
      .describe(
        'This category or one below it: "Home > Lighting" matches "Home > Lighting > Lamps"',
      ),
    tag: text.optional().describe('Has this tag, exactly'),
    group: text.optional().describe('In this variant group, exactly'),
    barcode: text.optional().describe('Exactly this barcode'),
  })

/** Filters of the product list and the CSV export (a blank value filters nothing there). */
export const productFilterQuerySchema = productFilters(z.string().max(200))

/** Query of `GET /api/products/`. */
export const productListQuerySchema = productFilterQuerySchema
  .extend({
    page: z.coerce.number().int().min(1).max(1_000_000).optional().describe('1 by default'),
    page_size: z.coerce
      .number()
      .int()
      .min(1)
      .default(20)
      .transform((n) => Math.min(n, 100))
      .describe('Items per page, 20 by default; values above 100 count as 100'),
    cursor: z
      .string()
      .max(500)
      .optional()
      .describe('`next_cursor` of a previous page (keyset; not with `sort` or `page`)'),
    sort: z
      .enum(PRODUCT_SORTS)
      .optional()
      .describe(
        'Order by a field, descending with a leading `-`; newest first when absent. SKUs and names ignore letter case, names accents too; products without a price come last either way; ties go by id',
      ),
  })
  .superRefine((query, ctx) => {
    // A cursor continues the newest-first walk it came from: beside a sort or a page number it
    // would answer another page than asked for.
    for (const key of ['sort', 'page'] as const) {
      if (query.cursor !== undefined && query[key] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `cursor cannot be combined with ${key}`,
        })
      }
    }
  })

/** A bulk change's filter: the list's filters, none of them blank. */
export const productBulkFilterSchema = productFilters(
  z
    .string()
    .max(200)
    .refine((text) => text.trim() !== '', 'must not be blank: leave it out instead'),
)

/**
 * Body of `POST /api/products/bulk/`: one change to products picked by ids, by a filter that
 * narrows something, or all of them (`"all": true`, said on purpose).
 */
export const productBulkBodySchema = strictObject({
  action: z.enum(['delete', 'activate', 'deactivate']),
  ids: z.array(z.uuid()).min(1).max(1000).optional().describe('The products to change'),
  filter: productBulkFilterSchema
    .optional()
    .describe('Instead of ids: every product matching these filters; at least one must be set'),
  all: z.literal(true).optional().describe('Instead of ids or filter: every product'),
  expect: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'With filter or all: how many products the user confirmed; 409 SELECTION_CHANGED (nothing changed) unless exactly that many match, and never more are changed',
    ),
  as_of: z.iso
    .datetime({ offset: true })
    .optional()
    .describe(
      'With filter or all: leave out products created after this time (the `as_of` of the list page the count came from)',
    ),
}).superRefine((body, ctx) => {
  const given = [body.ids, body.filter, body.all].filter((value) => value !== undefined).length
  if (given !== 1) {
    ctx.addIssue({ code: 'custom', message: 'Give exactly one of ids, filter or all: true' })
  }
  if (body.ids && (body.expect !== undefined || body.as_of !== undefined)) {
    ctx.addIssue({ code: 'custom', message: 'expect and as_of go with filter or all, not ids' })
  }
})

/** Body of `POST /api/session/`: the token, exchanged for an HttpOnly cookie. */
export const sessionBodySchema = strictObject({ token: z.string().min(1).max(1000) })

/** A page of products. */
export const productPageSchema = z.object({
  items: z.array(productJsonSchema),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
  pages: z.number().int(),
  next_cursor: z.string().nullable(),
  as_of: z.iso
    .datetime()
    .describe(
      'When the page was read: a bulk change by the same filter with this as_of and expect = total changes exactly what this page counted',
    ),
})

const counts = {
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  invalid: z.number().int(),
  duplicates_in_file: z.number().int(),
}

const changeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()])

/** A row of a dry run's file that would update a stored product. */
const changeSampleSchema = z.object({
  line: z.number().int().describe('Line of the file where the row starts'),
  sku: z.string(),
  changes: z.array(
    z.object({
      field: z.enum(VALUE_FIELDS),
      before: changeValue.describe('The stored value (price as a decimal string)'),
      after: changeValue.describe('The value the row gives'),
    }),
  ),
})

/** An import job as the API returns it. */
export const importJobJsonSchema = z.object({
  job_id: z.uuid(),
  status: z
    .enum(IMPORT_JOB_STATUSES)
    .describe('`interrupted`: the process running it stopped; the batches it committed stay'),
  phase: z.enum(['waiting', 'importing', 'finishing', 'done']),
  filename: z.string().nullable(),
  dry_run: z.boolean(),
  bytes_read: z.number().int(),
  bytes_total: z.number().int().nullable(),
  progress: z
    .number()
    .min(0)
    .max(100)
    .nullable()
    .describe('Percent of bytes read, when the size is known'),
  ...counts,
  rows_per_second: z.number(),
  eta_ms: z.number().nullable(),
  cancel_requested: z.boolean(),
  queue_position: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe(
      'Place among the imports waiting for a free slot of this server; null when not waiting',
    ),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  platform: z
    .enum(PLATFORMS as [Platform, ...Platform[]])
    .nullable()
    .describe('The platform the header was read as; null until the header is read'),
  mapping: z
    .partialRecord(z.enum(PRODUCT_FIELDS), z.string())
    .nullable()
    .describe(
      'The header each field is read from (fields without a column are absent); null until the header is read',
    ),
  warnings: z
    .array(
      z.object({
        code: z.enum(IMPORT_WARNING_CODES),
        message: z.string(),
        columns: z.array(z.string()).optional().describe('The columns the warning is about'),
      }),
    )
    .describe(
      'What the import noticed about the file as a whole: ignored columns (`UNKNOWN_COLUMNS`), several columns for one field and the one read (`DUPLICATE_COLUMN`), rows a platform skips (`ROWS_SKIPPED`), made-up SKUs (`SKUS_DERIVED`), no rows (`NO_ROWS`), a first row that looks like a product rather than a header (`HEADER_LOOKS_LIKE_DATA`), rows of a platform export listing several categories, of which the first is kept (`CATEGORIES_FIRST_KEPT`)',
    ),
  remembered_mapping: z
    .object({
      header_signature: z.string(),
      mapping: mappingSchema,
    })
    .nullable()
    .describe(
      'The mapping remembered for the header that this import applied because it was given none; null when none was applied',
    ),
  change_samples: z
    .array(changeSampleSchema)
    .nullable()
    .describe(
      'Dry runs: up to 10 of the first rows (among the first 2,000) that would update a stored product, each changed field before and after; null on imports and before a dry run samples',
    ),
  created_at: z.iso.datetime(),
  started_at: z.iso.datetime().nullable(),
  finished_at: z.iso.datetime().nullable(),
  updated_at: z.iso.datetime(),
  progress_url: z.string(),
  events_url: z.string(),
  errors_url: z.string(),
  upload_url: z.string(),
})

/** Body of `POST /api/import/` as JSON: a pending job awaiting its file, or an import of a staged upload. */
export const importCreateBodySchema = strictObject({
  filename: z.string().max(255).optional(),
  size: z.number().int().min(0).optional().describe('File size in bytes, for progress and ETA'),
  dry_run: z.boolean().optional(),
  upload_id: z
    .uuid()
    .optional()
    .describe('Import this staged upload (POST /api/uploads/) instead of waiting for a file'),
  mapping: mappingSchema
    .optional()
    .describe(
      'With `upload_id`: the header name of each field (null: not imported), for this import only unless `remember` is true',
    ),
  remember: z
    .boolean()
    .optional()
    .describe(
      'With `upload_id`: `true` remembers `mapping` for files with the same header once the import completes; `false` applies no remembered mapping either',
    ),
})

/** A staged upload as the API returns it. */
export const uploadJsonSchema = z.object({
  upload_id: z.uuid(),
  filename: z.string().nullable(),
  size: z.number().int(),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  url: z.string(),
})

/** The staged uploads not imported nor expired, newest first. */
export const uploadListSchema = z.object({ items: z.array(uploadJsonSchema) })

/** Query of the upload routes. */
export const importUploadQuerySchema = strictObject({
  dry_run: flagSchema
    .optional()
    .describe(`Report what would change, writing nothing: ${FLAG_SPELLINGS}`),
  filename: z.string().optional().describe('The file name to show on the job'),
})

/** Query of `GET /api/import/jobs/`. */
export const jobListQuerySchema = strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})

/** A page of import jobs. */
export const importJobPageSchema = z.object({
  items: z.array(importJobJsonSchema),
  limit: z.number().int(),
  offset: z.number().int(),
})

/** The body of every error response. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('Stable UPPER_SNAKE code, e.g. SKU_TAKEN'),
    message: z.string(),
    details: z.unknown().describe('Structured context: zod issues, the job id, ...'),
  }),
})

export type ProductJson = ProductWire
export type ImportJobJson = z.output<typeof importJobJsonSchema>
export type UploadJson = z.output<typeof uploadJsonSchema>

/** A webhook endpoint as the API returns it; the secret only where a route says so. */
export const webhookJsonSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  event_types: z.array(z.string()).describe('Events it receives; empty means every event'),
  active: z.boolean(),
  description: z.string(),
  rate_limit: z.number().nullable().describe('Deliveries per second at most; null for no limit'),
  per_row_events: z
    .boolean()
    .describe('Also receives product.created / product.updated for every imported row'),
  disabled_reason: z.string().nullable().describe('Why it was turned off automatically'),
  failure_count: z.number().int().describe('Attempts failed in a row since the last success'),
  failing_since: z.iso.datetime().nullable(),
  previous_secrets_expire_at: z
    .array(z.iso.datetime())
    .describe(
      `When each rotated-out secret still signing beside the current one stops, newest first (${MAX_PREVIOUS_WEBHOOK_SECRETS} at most)`,
    ),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
})

/** A webhook endpoint with its signing secret: on creation, rotation and `GET .../secret`. */
export const webhookWithSecretJsonSchema = webhookJsonSchema.extend({
  secret: z.string().describe('`whsec_` + base64: verify signatures with it'),
})

/** One attempt at a delivery, with the older product's WebhookLog field names. */
export const webhookLogJsonSchema = z.object({
  delivery_id: z.string().describe('The `webhook-id` header of the attempt'),
  event_type: z.string(),
  status_code: z.number().int().nullable().describe('null when no answer came'),
  response_time_ms: z.number(),
  error_message: z.string().nullable(),
  created_at: z.iso.datetime(),
})

/** One event on its way to one endpoint. */
export const webhookDeliveryJsonSchema = z.object({
  id: z.string().describe('The `webhook-id` header, the same on every attempt'),
  endpoint_id: z.uuid(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  next_attempt_at: z.iso.datetime(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.iso.datetime(),
  finished_at: z.iso.datetime().nullable(),
})

/** Query of the webhook log routes: newest first, `limit` at a time. */
export const webhookPageQuerySchema = strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

/** Query of `GET /api/webhooks/{id}/deliveries/`. */
export const webhookDeliveryQuerySchema = webhookPageQuerySchema.extend({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
})

/** A page of attempts. */
export const webhookLogPageSchema = z.object({
  items: z.array(webhookLogJsonSchema),
  limit: z.number().int(),
  offset: z.number().int(),
})

/** A page of deliveries. */
export const webhookDeliveryPageSchema = z.object({
  items: z.array(webhookDeliveryJsonSchema),
  limit: z.number().int(),
  offset: z.number().int(),
})

/** What `POST /api/webhooks/{id}/test/` answers: the receiver's status and time, or the error. */
export const webhookTestJsonSchema = z.object({
  delivery_id: z.string(),
  ok: z.boolean().describe('True for a 2xx answer'),
  status_code: z.number().int().nullable(),
  response_time_ms: z.number(),
  error: z.string().nullable(),
})

/** Body of `POST /api/webhooks/{id}/recover`. */
export const webhookRecoverBodySchema = strictObject({
  since: z.iso
    .datetime({ offset: true })
    .describe('Every failed delivery created at or after this time is queued again'),
})

/** Body of `POST /api/webhooks/{id}/rotate-secret` (optional). */
export const webhookRotateBodySchema = strictObject({
  grace_period_ms: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 60 * 60 * 1000)
    .optional()
    .describe('How long the old secret keeps signing beside the new one; 24 h by default'),
})

export type WebhookJson = z.output<typeof webhookJsonSchema>
export type WebhookLogJson = z.output<typeof webhookLogJsonSchema>
export type WebhookDeliveryJson = z.output<typeof webhookDeliveryJsonSchema>
