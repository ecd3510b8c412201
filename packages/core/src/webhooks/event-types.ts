/**
 * Every event a webhook endpoint can subscribe to, and the in-process event bus publishes.
 * An import fires its own `import.*` events, not one `product.*` event per row, unless an
 * endpoint opts in to per-row events.
 */
export const WEBHOOK_EVENT_TYPES = [
  'product.created',
  'product.updated',
  'product.deleted',
  'products.deleted_all',
  'import.started',
  'import.completed',
  'import.failed',
  'import.cancelled',
  'webhook.test',
] as const

/** The name of a webhook event, e.g. `'product.created'`. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/**
 * The older product's event names and the events they became. Its API took one `event_type`
 * per endpoint, so saved integrations still send these.
 */
export const LEGACY_WEBHOOK_EVENT_TYPES = {
  product_created: 'product.created',
  product_updated: 'product.updated',
  product_deleted: 'product.deleted',
  import_completed: 'import.completed',
  test: 'webhook.test',
} as const satisfies Record<string, WebhookEventType>

/** An event name of the older product. */
export type LegacyWebhookEventType = keyof typeof LEGACY_WEBHOOK_EVENT_TYPES

const current = new Set<string>(WEBHOOK_EVENT_TYPES)

/**
 * The event type a name stands for, accepting the older product's names; `undefined` for a name
 * that is neither.
 *
 * @example
 * ```ts
 * toWebhookEventType('product_created') // 'product.created'
 * toWebhookEventType('import.failed') // 'import.failed'
 * ```
 */
export function toWebhookEventType(name: string): WebhookEventType | undefined {
  if (current.has(name)) return name as WebhookEventType
  return Object.hasOwn(LEGACY_WEBHOOK_EVENT_TYPES, name)
    ? LEGACY_WEBHOOK_EVENT_TYPES[name as LegacyWebhookEventType]
    : undefined
}

/**
 * True when an endpoint subscribed to `eventTypes` receives `type`: an empty list means every
 * event.
 */
export function webhookSubscribes(
  eventTypes: readonly WebhookEventType[],
  type: WebhookEventType,
): boolean {
  return eventTypes.length === 0 || eventTypes.includes(type)
}
