import type { OutboxEvent, WebhookStorage } from '../storage/webhook-types.js'
import type { WebhookEventBus } from '../webhooks/event-bus.js'
import type { WebhookEvent, WebhookEventData } from '../webhooks/event-data.js'
import type { WebhookEventType } from '../webhooks/event-types.js'
import { toOutboxEvent } from '../webhooks/outbox-event.js'

/** The events of one change: built inside its transaction, published once it committed. */
export interface EventBatch {
  /** A new event of this change, for the storage call's `events`, timed by the sink's clock. */
  add<T extends WebhookEventType>(
    type: T,
    data: WebhookEventData<T>,
    options?: { perRow?: boolean; endpointId?: string },
  ): OutboxEvent
  /** The change committed: hands its events to in-process subscribers and wakes the dispatcher. */
  commit(): void
}

/** Where the importer's changes announce their events. */
export interface EventSink {
  /**
   * A batch for one change, or `undefined` when no endpoint and no subscriber would see its
   * events: the change is then written without them, and without the query that looks for
   * endpoints.
   */
  begin(): Promise<EventBatch | undefined>
  /**
   * A batch for one change, without looking for endpoints first: for changes that must not
   * wait for that look (an import about to read its upload), and are rare enough that the
   * storage's own look inside the transaction costs nothing.
   */
  open(): EventBatch
  /** Whether any endpoint exists, as counted at most a second ago. */
  hasEndpoints(): Promise<boolean>
  /** Endpoints were added or removed here: count them again. */
  endpointsChanged(): void
}

// Endpoints created by another instance are seen after at most this long.
const COUNT_TTL_MS = 1_000

/** The importer's event sink over storage, the in-process bus and the dispatcher's wake-up. */
export function createEventSink(
  storage: WebhookStorage,
  bus: WebhookEventBus,
  notify: () => void,
  now: () => Date,
): EventSink {
  let known: { any: boolean; at: number } | undefined

  async function anyEndpoint(): Promise<boolean> {
    const at = Date.now()
    if (known && at - known.at < COUNT_TTL_MS) return known.any
    const any = (await storage.listWebhookEndpoints()).length > 0
    known = { any, at }
    return any
  }

  function open(): EventBatch {
    const published: WebhookEvent[] = []
    return {
      add(type, data, options) {
        // The dispatcher's clock, so an event is due when that clock says it happened.
        const at = now()
        const event = toOutboxEvent(type, data, at, options)
        // Per-row and test events are for the endpoints that asked; subscribers get the rest.
        if (!event.perRow && event.endpointId === undefined) {
          published.push({ id: event.id, type, occurredAt: at, data } as WebhookEvent)
        }
        return event
      },
      commit() {
        for (const event of published.splice(0)) bus.publish(event)
        // Only where deliveries may have been written: an importer without endpoints runs no loop.
        anyEndpoint().then(
          (any) => any && notify(),
          () => {},
        )
      },
    }
  }

  return {
    async begin() {
      if (bus.subscriberCount === 0 && !(await anyEndpoint())) return undefined
      return open()
    },
    open,
    hasEndpoints: anyEndpoint,
    endpointsChanged() {
      known = undefined
    },
  }
}
