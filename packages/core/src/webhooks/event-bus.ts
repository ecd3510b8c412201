import type { WebhookEvent } from './event-data.js'
import { type WebhookEventType, webhookSubscribes } from './event-types.js'

/** Options of {@link WebhookEventBus.subscribe}. */
export interface SubscribeOptions<T extends WebhookEventType = WebhookEventType> {
  /** Events to receive; empty or absent means every event. */
  types?: readonly T[]
  /** Events held for a subscriber that reads slower than events arrive. @default 1000 */
  bufferSize?: number
  /** Ends the subscription. */
  signal?: AbortSignal
}

/** A subscription: an async iterator of events that also tells what it dropped. */
export interface WebhookSubscription<T extends WebhookEventType = WebhookEventType>
  extends AsyncIterableIterator<WebhookEvent<T>> {
  /** Events dropped because the buffer was full. */
  readonly dropped: number
  /** Ends the iteration; events already buffered are discarded. */
  close(): void
}

/** Publishes catalog events to in-process subscribers. */
export interface WebhookEventBus {
  /** Hands `event` to every matching subscriber; never waits for any of them. */
  publish(event: WebhookEvent): void
  /**
   * A new subscription: an async iterator of the events published from now on, typed by the
   * `types` asked for.
   */
  subscribe<T extends WebhookEventType = WebhookEventType>(
    options?: SubscribeOptions<T>,
  ): WebhookSubscription<T>
  /** Subscribers now listening. */
  readonly subscriberCount: number
  /** Ends every subscription. */
  close(): void
}

interface Subscriber {
  accepts(type: WebhookEventType): boolean
  push(event: WebhookEvent): void
  close(): void
}

/**
 * The in-process event bus: SDK users receive the same events as webhook endpoints, with no
 * HTTP, as an async iterator. Publishing never blocks: each subscriber has a bounded buffer,
 * and when it is full the OLDEST buffered event is dropped to make room, and counted in
 * `subscription.dropped`. Subscribers that must never miss an event use a webhook endpoint,
 * whose deliveries are stored and retried.
 *
 * @example
 * ```ts
 * for await (const event of bus.subscribe({ types: ['import.completed'] })) {
 *   console.log(event.data)
 * }
 * ```
 */
export function createWebhookEventBus(): WebhookEventBus {
  const subscribers = new Set<Subscriber>()

  function subscribe<T extends WebhookEventType>(
    options: SubscribeOptions<T> = {},
  ): WebhookSubscription<T> {
    const types: readonly WebhookEventType[] = options.types ?? []
    const bufferSize = Math.max(1, options.bufferSize ?? 1000)
    const buffer: WebhookEvent[] = []
    let head = 0
    let dropped = 0
    let done = false
    let wake: (() => void) | undefined

    const subscriber: Subscriber = {
      accepts: (type) => webhookSubscribes(types, type),
      push(event) {
        if (buffer.length - head >= bufferSize) {
          head++
          dropped++
        }
        buffer.push(event)
        compact()
        wake?.()
      },
      close,
    }

    function close(): void {
      if (done) return
      done = true
      subscribers.delete(subscriber)
      options.signal?.removeEventListener('abort', close)
      buffer.length = 0
      head = 0
      wake?.()
    }

    // Consumed and dropped events are cut off in blocks rather than shifted one by one.
    function compact(): void {
      if (head >= Math.min(bufferSize, 1024)) {
        buffer.splice(0, head)
        head = 0
      }
    }

    async function next(): Promise<IteratorResult<WebhookEvent<T>>> {
      while (!done && head === buffer.length) {
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
      }
      if (done) return { done: true, value: undefined }
      // Only events of the asked types reach this buffer (`accepts`).
      const event = buffer[head++] as WebhookEvent<T>
      compact()
      return { done: false, value: event }
    }

    if (options.signal?.aborted) done = true
    else {
      subscribers.add(subscriber)
      options.signal?.addEventListener('abort', close, { once: true })
    }

    return {
      next,
      async return() {
        close()
        return { done: true, value: undefined }
      },
      [Symbol.asyncIterator]() {
        return this
      },
      get dropped() {
        return dropped
      },
      close,
    }
  }

  return {
    publish(event) {
      for (const subscriber of subscribers) {
        if (subscriber.accepts(event.type)) subscriber.push(event)
      }
    },
    subscribe,
    get subscriberCount() {
      return subscribers.size
    },
    close() {
      for (const subscriber of [...subscribers]) subscriber.close()
    },
  }
}
