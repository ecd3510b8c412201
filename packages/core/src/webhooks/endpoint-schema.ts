import { z } from 'zod'
import { strictObject } from '../strict-object.js'
import { toWebhookEventType, type WebhookEventType } from './event-types.js'

/** Longest endpoint URL accepted, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048
/** Longest endpoint description accepted, in characters. */
export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 500
/** Highest per-endpoint rate limit accepted, in deliveries per second. */
export const MAX_WEBHOOK_RATE_LIMIT = 10_000

const url = z
  .string()
  .trim()
  .min(1, 'url is required')
  .max(MAX_WEBHOOK_URL_LENGTH)
  .refine((value) => URL.canParse(value), 'url must be an absolute URL')

const eventType = z.string().transform((name, ctx): WebhookEventType => {
  const type = toWebhookEventType(name)
  if (type) return type
  ctx.addIssue({ code: 'custom', message: `unknown event type "${name}"` })
  return z.NEVER
})

const eventTypes = z
  .array(eventType)
  .max(64)
  .transform((types) => [...new Set(types)])
  .meta({ description: 'Events the endpoint receives; an empty list means every event' })

const rateLimit = z
  .number()
  .positive()
  .max(MAX_WEBHOOK_RATE_LIMIT)
  .nullable()
  .meta({ description: 'Deliveries per second at most; null for no limit' })

const fields = {
  url,
  event_types: eventTypes,
  // The older product's shape: one event name per endpoint.
  event_type: eventType.meta({ description: 'Deprecated: one event type, older request shape' }),
  active: z.boolean(),
  description: z.string().trim().max(MAX_WEBHOOK_DESCRIPTION_LENGTH),
  rate_limit: rateLimit,
  per_row_events: z.boolean().meta({
    description: 'Also receive product.created / product.updated for every row an import applies',
  }),
}

/** Endpoint settings as the SDK stores them, after parsing either request shape. */
export interface WebhookEndpointSettings {
  url: string
  /** Empty means every event. */
  eventTypes: WebhookEventType[]
  active: boolean
  description: string
  /** Deliveries per second at most, or `null` for no limit. */
  rateLimit: number | null
  /**
   * Also receive `product.created` / `product.updated` for every row an import applies, each
   * carrying the product as it is when its delivery is created, shortly after the batch commits.
   */
  perRowEvents: boolean
}

type Fields = {
  [K in keyof typeof fields]?: z.output<(typeof fields)[K]>
}

function toSettings(input: Fields, ctx: z.RefinementCtx): Partial<WebhookEndpointSettings> {
  if (input.event_types !== undefined && input.event_type !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['event_type'],
      message: 'give event_types or event_type, not both',
    })
    return z.NEVER
  }
  const settings: Partial<WebhookEndpointSettings> = {}
  if (input.url !== undefined) settings.url = input.url
  if (input.event_types !== undefined) settings.eventTypes = input.event_types
  if (input.event_type !== undefined) settings.eventTypes = [input.event_type]
  if (input.active !== undefined) settings.active = input.active
  if (input.description !== undefined) settings.description = input.description
  if (input.rate_limit !== undefined) settings.rateLimit = input.rate_limit
  if (input.per_row_events !== undefined) settings.perRowEvents = input.per_row_events
  return settings
}

/**
 * A new endpoint, in the API's snake_case JSON: `url` (required), `event_types` (default: every
 * event), `active` (default `true`), `description`, `rate_limit`, `per_row_events` (default `false`). The older product's shape
 * `{"url", "event_type", "active"}` is accepted too. Parses to {@link WebhookEndpointSettings}.
 * The URL's target is checked separately by {@link assertWebhookUrl}, which needs the guard's
 * options.
 *
 * @example
 * ```ts
 * webhookEndpointInputSchema.parse({ url: 'https://example.com/hook', event_type: 'product_created' })
 * // { url: 'https://example.com/hook', eventTypes: ['product.created'], active: true, description: '', rateLimit: null, perRowEvents: false }
 * ```
 */
export const webhookEndpointInputSchema = strictObject({ ...fields, url })
  .partial({
    event_types: true,
    event_type: true,
    active: true,
    description: true,
    rate_limit: true,
    per_row_events: true,
  })
  .transform((input, ctx): WebhookEndpointSettings => {
    const settings = toSettings(input, ctx)
    return {
      url: input.url,
      eventTypes: settings.eventTypes ?? [],
      active: settings.active ?? true,
      description: settings.description ?? '',
      rateLimit: settings.rateLimit ?? null,
      perRowEvents: settings.perRowEvents ?? false,
    }
  })

/**
 * The whole settings of an endpoint, replacing what it had (a PUT body): `url`, `event_types`,
 * `active`, `description`, `rate_limit` and `per_row_events`, every one required, so a field
 * left out is an error naming it instead of a silent reset to a new endpoint's default. The
 * older one-event shape is for creation only. Any other key (an endpoint as read back, with its
 * `id` and counters) is refused, as everywhere.
 *
 * @example
 * ```ts
 * webhookEndpointReplaceSchema.safeParse({ url: 'https://example.com/hook' }).success // false
 * ```
 */
export const webhookEndpointReplaceSchema = strictObject({
  url,
  event_types: eventTypes,
  active: fields.active,
  description: fields.description,
  rate_limit: rateLimit,
  per_row_events: fields.per_row_events,
}).transform(
  (input): WebhookEndpointSettings => ({
    url: input.url,
    eventTypes: input.event_types,
    active: input.active,
    description: input.description,
    rateLimit: input.rate_limit,
    perRowEvents: input.per_row_events,
  }),
)

/**
 * Changes to an endpoint (a PATCH body): the fields of {@link webhookEndpointInputSchema}, each
 * optional; absent fields stay as they are.
 */
export const webhookEndpointPatchSchema = strictObject(fields)
  .partial()
  .transform((input, ctx) => toSettings(input, ctx))

/** The REST API's JSON for a new endpoint (`POST /api/webhooks/`), in snake_case. */
export type WebhookEndpointInputJson = z.input<typeof webhookEndpointInputSchema>
/** The REST API's JSON replacing an endpoint's settings (`PUT`), in snake_case. */
export type WebhookEndpointReplaceJson = z.input<typeof webhookEndpointReplaceSchema>
/** The REST API's JSON changing an endpoint (`PATCH`), in snake_case. */
export type WebhookEndpointPatchJson = z.input<typeof webhookEndpointPatchSchema>

/**
 * A new endpoint as the SDK takes it (`importer.webhooks.create()`), in camelCase like
 * everything the SDK takes and returns. The REST API takes the same fields in snake_case
 * ({@link webhookEndpointInputSchema}) and maps them at its edge.
 *
 * @example
 * ```ts
 * const input: WebhookEndpointInput = {
 *   url: 'https://example.com/hooks',
 *   eventTypes: ['product.created', 'import.completed'],
 *   perRowEvents: true,
 * }
 * ```
 */
export interface WebhookEndpointInput {
  url: string
  /** Events the endpoint receives. @default [] (every event) */
  eventTypes?: readonly WebhookEventType[]
  /** @default true */
  active?: boolean
  /** @default '' */
  description?: string
  /** Deliveries per second at most; `null` for no limit. @default null */
  rateLimit?: number | null
  /**
   * Also receive `product.created` / `product.updated` for every row an import applies.
   * @default false
   */
  perRowEvents?: boolean
}

/** Changes to an endpoint as the SDK takes them (`importer.webhooks.update()`). */
export type WebhookEndpointPatchInput = Partial<WebhookEndpointInput>

const sdkFields = {
  url,
  eventTypes,
  active: fields.active,
  description: fields.description,
  rateLimit,
  perRowEvents: fields.per_row_events,
}

/** {@link WebhookEndpointInput}, checked at run time for callers without the types. */
export const webhookEndpointSdkSchema = strictObject(sdkFields)
  .partial({
    eventTypes: true,
    active: true,
    description: true,
    rateLimit: true,
    perRowEvents: true,
  })
  .transform(
    (input): WebhookEndpointSettings => ({
      url: input.url,
      eventTypes: input.eventTypes ?? [],
      active: input.active ?? true,
      description: input.description ?? '',
      rateLimit: input.rateLimit ?? null,
      perRowEvents: input.perRowEvents ?? false,
    }),
  )

/** {@link WebhookEndpointPatchInput}, checked at run time. */
export const webhookEndpointSdkPatchSchema = strictObject(sdkFields)
  .partial()
  .transform((input): Partial<WebhookEndpointSettings> => {
    const patch: Partial<WebhookEndpointSettings> = {}
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined) Object.assign(patch, { [key]: value })
    }
    return patch
  })
