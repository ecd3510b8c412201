import {
  createWebhookUrlGuard,
  isImporterError,
  LEGACY_WEBHOOK_EVENT_TYPES,
  toWebhookEventType,
  validateWebhookEndpoint,
  validateWebhookEndpointPatch,
  WEBHOOK_EVENT_TYPES,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookSubscribes,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'

describe('webhook event types', () => {
  it('lists the events of the catalog, imports and the test event', () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual([
      'product.created',
      'product.updated',
      'product.deleted',
      'products.deleted_all',
      'import.started',
      'import.completed',
      'import.failed',
      'import.cancelled',
      'webhook.test',
    ])
  })

  it('maps the older product’s names to the new ones', () => {
    expect(
      Object.keys(LEGACY_WEBHOOK_EVENT_TYPES).map((name) => [name, toWebhookEventType(name)]),
    ).toEqual([
      ['product_created', 'product.created'],
      ['product_updated', 'product.updated'],
      ['product_deleted', 'product.deleted'],
      ['import_completed', 'import.completed'],
      ['test', 'webhook.test'],
    ])
    expect(toWebhookEventType('import.failed')).toBe('import.failed')
    expect(toWebhookEventType('toString')).toBeUndefined()
    expect(toWebhookEventType('product.exploded')).toBeUndefined()
  })

  it('treats an empty subscription list as every event', () => {
    expect(webhookSubscribes([], 'import.started')).toBe(true)
    expect(webhookSubscribes(['product.created'], 'product.created')).toBe(true)
    expect(webhookSubscribes(['product.created'], 'product.deleted')).toBe(false)
  })
})

describe('webhook endpoint input', () => {
  it('reads the snake_case fields and fills defaults', () => {
    expect(webhookEndpointInputSchema.parse({ url: ' https://example.com/hook ' })).toEqual({
      url: 'https://example.com/hook',
      eventTypes: [],
      active: true,
      description: '',
      rateLimit: null,
      perRowEvents: false,
    })
    expect(
      webhookEndpointInputSchema.parse({
        url: 'https://example.com/hook',
        event_types: ['product.created', 'import_completed', 'product.created'],
        active: false,
        description: 'ERP sync',
        rate_limit: 5,
        per_row_events: true,
      }),
    ).toEqual({
      url: 'https://example.com/hook',
      eventTypes: ['product.created', 'import.completed'],
      active: false,
      description: 'ERP sync',
      rateLimit: 5,
      perRowEvents: true,
    })
  })

  it('accepts the older request shape with one event_type', () => {
    expect(
      webhookEndpointInputSchema.parse({
        url: 'https://example.com/hook',
        event_type: 'product_created',
        active: true,
      }),
    ).toMatchObject({ eventTypes: ['product.created'], active: true })
  })

  it('rejects bad input with a message naming the field', () => {
    const problems = (input: unknown) =>
      webhookEndpointInputSchema
        .safeParse(input)
        .error?.issues.map((issue) => [issue.path.join('.'), issue.message])
    expect(problems({})).toEqual([['url', expect.any(String)]])
    expect(problems({ url: 'example.com/hook' })).toEqual([['url', 'url must be an absolute URL']])
    expect(problems({ url: 'https://e.com', event_types: ['product.exploded'] })).toEqual([
      ['event_types.0', 'unknown event type "product.exploded"'],
    ])
    expect(
      problems({ url: 'https://e.com', event_type: 'product_created', event_types: [] }),
    ).toEqual([['event_type', 'give event_types or event_type, not both']])
    expect(problems({ url: 'https://e.com', rate_limit: 0 })?.[0]?.[0]).toBe('rate_limit')
    expect(problems({ url: 'https://e.com', active: 'yes' })?.[0]?.[0]).toBe('active')
    expect(problems({ url: 'https://e.com', per_row_events: 1 })?.[0]?.[0]).toBe('per_row_events')
    expect(problems({ url: `https://e.com/${'a'.repeat(2048)}` })?.[0]?.[0]).toBe('url')
  })

  it('changes only the fields a patch names', () => {
    expect(webhookEndpointPatchSchema.parse({})).toEqual({})
    expect(webhookEndpointPatchSchema.parse({ active: false, rate_limit: null })).toEqual({
      active: false,
      rateLimit: null,
    })
    expect(webhookEndpointPatchSchema.parse({ event_type: 'test' })).toEqual({
      eventTypes: ['webhook.test'],
    })
  })
})

describe('validating an endpoint before it is saved', () => {
  const guard = createWebhookUrlGuard()

  it('returns the settings of a valid endpoint', async () => {
    await expect(
      validateWebhookEndpoint({ url: 'https://93.184.215.14/hook', event_type: 'test' }, guard),
    ).resolves.toMatchObject({ url: 'https://93.184.215.14/hook', eventTypes: ['webhook.test'] })
  })

  it('throws VALIDATION_FAILED naming the field for a bad shape', async () => {
    const error = await validateWebhookEndpoint(
      { url: 'https://e.com', event_types: 'all' },
      guard,
    ).catch((e: unknown) => e)
    expect(isImporterError(error, 'VALIDATION_FAILED')).toBe(true)
    expect((error as Error).message).toMatch(/^event_types: /)
  })

  it('throws WEBHOOK_URL_FORBIDDEN for a forbidden target, also in a patch', async () => {
    for (const validating of [
      validateWebhookEndpoint({ url: 'https://[::1]/hook' }, guard),
      validateWebhookEndpointPatch({ url: 'http://203.0.113.5/' }, guard),
    ]) {
      const error = await validating.catch((e: unknown) => e)
      expect(isImporterError(error, 'WEBHOOK_URL_FORBIDDEN')).toBe(true)
    }
    await expect(validateWebhookEndpointPatch({ active: false }, guard)).resolves.toEqual({
      active: false,
    })
  })
})
