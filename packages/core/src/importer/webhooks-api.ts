import { ImporterError } from '../errors.js'
import { createUuidV7 } from '../product/uuid-v7.js'
import type { WebhookEndpointRecord, WebhookStorage } from '../storage/webhook-types.js'
import type { WebhookDispatcher } from '../webhooks/dispatcher.js'
import type { WebhookEventBus } from '../webhooks/event-bus.js'
import type { WebhookEventType } from '../webhooks/event-types.js'
import { toOutboxEvent } from '../webhooks/outbox-event.js'
import { createWebhookSecret } from '../webhooks/secret.js'
import { rotateWebhookSecrets } from '../webhooks/secret-rotation.js'
import type { WebhookUrlGuard } from '../webhooks/url-guard.js'
import {
  validateWebhookEndpoint,
  validateWebhookEndpointPatch,
} from '../webhooks/validate-endpoint.js'
import type { EventSink } from './_webhook-events.js'
import type { WebhookEndpoint, WebhookEndpointWithSecret, WebhooksApi } from './webhook-types.js'

/** How long a rotated-out secret keeps signing, unless the caller says otherwise. */
const DEFAULT_GRACE_PERIOD_MS = 24 * 3_600_000

/** What {@link createWebhooksApi} works with. */
export interface WebhooksApiContext {
  storage: WebhookStorage
  ready: () => Promise<void>
  guard: WebhookUrlGuard
  /** The dispatcher, started if it sends in the background. */
  dispatcher: () => WebhookDispatcher
  bus: WebhookEventBus
  events: EventSink
  now: () => Date
}

/** The endpoint as the SDK shows it at `at`, without its secrets. */
function toWebhookEndpoint(record: WebhookEndpointRecord, at: Date): WebhookEndpoint {
  const signing = record.previousSecrets.filter((previous) => previous.expiresAt > at)
  return {
    id: record.id,
    url: record.url,
    eventTypes: record.eventTypes as WebhookEventType[],
    active: record.active,
    description: record.description,
    rateLimit: record.rateLimit,
    perRowEvents: record.perRowEvents,
    failureCount: record.failureCount,
    failingSince: record.failingSince,
    disabledReason: record.disabledReason,
    previousSecretsExpireAt: signing.map((previous) => previous.expiresAt),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}

/** Webhook endpoints, their logs and the in-process subscription, over a storage. */
export function createWebhooksApi(context: WebhooksApiContext): WebhooksApi {
  const { storage, guard, bus, events, now } = context
  const shown = (record: WebhookEndpointRecord) => toWebhookEndpoint(record, now())
  const withSecret = (record: WebhookEndpointRecord): WebhookEndpointWithSecret => ({
    ...shown(record),
    secret: record.secret,
  })
  const nextId = createUuidV7()
  const ready = async () => {
    await context.ready()
    return context.dispatcher()
  }
  const mustGet = async (id: string): Promise<WebhookEndpointRecord> => {
    await ready()
    const record = await storage.getWebhookEndpoint(id)
    if (!record) throw new ImporterError('NOT_FOUND', `no webhook endpoint with id ${id}`)
    return record
  }
  const mustUpdate = async (
    id: string,
    patch: Parameters<WebhookStorage['updateWebhookEndpoint']>[1],
  ) => {
    const record = await storage.updateWebhookEndpoint(id, patch)
    if (!record) throw new ImporterError('NOT_FOUND', `no webhook endpoint with id ${id}`)
    return record
  }

  return {
    async create(input) {
      const settings = await validateWebhookEndpoint(input, guard, 'sdk')
      await ready()
      const at = now()
      const record = await storage.createWebhookEndpoint({
        id: nextId(at.getTime()),
        ...settings,
        secret: createWebhookSecret(),
        previousSecrets: [],
        failureCount: 0,
        failingSince: null,
        disabledReason: null,
        createdAt: at,
        updatedAt: at,
      })
      events.endpointsChanged()
      return withSecret(record)
    },

    async list() {
      await ready()
      return (await storage.listWebhookEndpoints()).map(shown)
    },

    async get(id) {
      await ready()
      const record = await storage.getWebhookEndpoint(id)
      return record && shown(record)
    },

    async secret(id) {
      return (await mustGet(id)).secret
    },

    async update(id, input) {
      const patch = await validateWebhookEndpointPatch(input, guard, 'sdk')
      const dispatcher = await ready()
      // Turning an endpoint back on starts it afresh: its old failures say nothing any more.
      const revived =
        patch.active === true ? { disabledReason: null, failureCount: 0, failingSince: null } : {}
      const updated = shown(await mustUpdate(id, { ...patch, ...revived }))
      // The events it kept while off are due now, not at the dispatcher's next poll.
      if (patch.active === true) dispatcher.notify()
      return updated
    },

    async delete(id) {
      await ready()
      const deleted = await storage.deleteWebhookEndpoint(id)
      events.endpointsChanged()
      return deleted
    },

    async test(id) {
      const dispatcher = await ready()
      await mustGet(id)
      const at = now()
      const event = toOutboxEvent('webhook.test', { endpoint_id: id }, at, { endpointId: id })
      await storage.enqueueEvents([event])
      const pending = await storage.listDeliveries(id, { status: 'pending', limit: 50 })
      const delivery = pending.find((candidate) => candidate.eventId === event.id)
      const [result] = delivery ? await dispatcher.sendNow([delivery.id]) : []
      if (!result) {
        // Another dispatcher claimed it first, or close() cut it short: the log tells the rest.
        return {
          deliveryId: delivery?.id ?? '',
          ok: false,
          statusCode: null,
          responseTimeMs: 0,
          error: 'The test delivery was not sent here; see the delivery log',
        }
      }
      return {
        deliveryId: result.attempt.deliveryId,
        ok: result.outcome.ok,
        statusCode: result.outcome.statusCode,
        responseTimeMs: result.outcome.responseTimeMs,
        error: result.outcome.errorMessage,
      }
    },

    async deliveries(id, options) {
      await mustGet(id)
      return storage.listDeliveries(id, options)
    },

    async attempts(id, options) {
      await mustGet(id)
      return storage.listAttempts(id, options)
    },

    async redeliver(id, deliveryId) {
      const dispatcher = await ready()
      const delivery = await storage.getDelivery(deliveryId)
      if (!delivery || delivery.endpointId !== id) {
        throw new ImporterError('NOT_FOUND', `no delivery ${deliveryId} of webhook endpoint ${id}`)
      }
      await storage.requeueDeliveries({ endpointId: id, deliveryId, now: now() })
      dispatcher.notify()
      return (await storage.getDelivery(deliveryId)) ?? delivery
    },

    async recover(id, since) {
      const dispatcher = await ready()
      await mustGet(id)
      const count = await storage.requeueDeliveries({
        endpointId: id,
        failedSince: since,
        now: now(),
      })
      dispatcher.notify()
      return count
    },

    async rotateSecret(id, options = {}) {
      const gracePeriodMs = options.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS
      const secret = createWebhookSecret()
      // Rotations at once (a double click, two instances) each start from the secret they read,
      // and only while it is still the current one: none drops the secret another handed out.
      for (;;) {
        const current = await mustGet(id)
        const rotated = rotateWebhookSecrets(current, { secret, at: now(), gracePeriodMs })
        const record = await storage.updateWebhookEndpoint(id, rotated, {
          ifSecret: current.secret,
        })
        // The secret this rotation wrote: one right after it may already show in the record.
        if (record) return withSecret({ ...record, ...rotated })
      }
    },

    subscribe(options) {
      return bus.subscribe(options)
    },

    async drain() {
      return (await ready()).drain()
    },
  }
}
