import { randomUUID } from 'node:crypto'
import type { ClaimedDelivery, WebhookStorage } from '../storage/webhook-types.js'
import { createAttemptRecorder } from './_attempt-recorder.js'
import { type DispatchResult, dispatchWebhookDelivery } from './dispatch.js'
import { createDeliveryLimiter, type DeliveryLimiter } from './limiter.js'
import type { WebhookRetryPolicy } from './retry-policy.js'
import type { WebhookSender } from './send.js'

const HOUR = 3_600_000

/** Defaults of {@link WebhookDispatcherOptions}. */
export const WEBHOOK_DISPATCHER_DEFAULTS = {
  leaseMs: 60_000,
  pollMs: 5_000,
  retentionMs: 30 * 24 * HOUR,
  batchSize: 100,
} as const

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /** Where the deliveries wait; any storage keeping the webhook contract. */
  storage: WebhookStorage
  /** Sends the attempts; the dispatcher never closes it. */
  sender: WebhookSender
  /** The global and per-endpoint caps. @default createDeliveryLimiter() */
  limiter?: DeliveryLimiter
  policy?: WebhookRetryPolicy
  /** How long a claim holds before another dispatcher may send the delivery again. @default 60000 */
  leaseMs?: number
  /** The longest sleep of the background loop between two looks at the outbox. @default 5000 */
  pollMs?: number
  /** Attempts, and deliveries finished, older than this are pruned. @default 30 days */
  retentionMs?: number
  /** Deliveries claimed at once, and in flight at most in the background loop. @default 100 */
  batchSize?: number
  /** The clock of due times, signing and pruning; injectable so retries are tested at once. */
  now?: () => Date
  /** The lease holder's name; unique per dispatcher. @default a random UUID */
  instanceId?: string
  /** Hears what went wrong in the background (storage unreachable, ...). @default console.error */
  onError?: (error: unknown) => void
}

/** Sends the outbox's deliveries: on demand, or in a background loop. */
export interface WebhookDispatcher {
  /** The lease holder's name of this dispatcher. */
  readonly instanceId: string
  /** One pass: claims what is due now and sends it; resolves with the attempts made. */
  runDue(): Promise<number>
  /** Passes until nothing is due now; resolves with the attempts made. */
  drain(): Promise<number>
  /** Claims exactly these deliveries, whatever their due time, and sends them now. */
  sendNow(ids: readonly string[]): Promise<DispatchResult[]>
  /** Starts the background loop (once; later calls do nothing). */
  start(): void
  /** Tells the background loop that deliveries may be due, so it looks at once. */
  notify(): void
  /** Stops the loop, cancels attempts in flight (their leases run out) and waits for them. */
  close(): Promise<void>
}

/**
 * The webhook dispatcher: claims due deliveries from storage with a lease in this instance's
 * name (storage first expands the per-row events import batches recorded), sends them with {@link dispatchWebhookDelivery} through the delivery limiter, and
 * records each attempt. No transaction is open while a request is in flight, and several
 * dispatchers (in several processes) share one outbox without sending a delivery twice
 * inside a lease. A cancelled attempt records nothing: the delivery goes again once its lease
 * ends. Attempts and finished deliveries older than the retention are pruned, at most once an
 * hour.
 *
 * @example
 * ```ts
 * const dispatcher = createWebhookDispatcher({ storage, sender })
 * dispatcher.start()
 * // ... after a change committed its events:
 * dispatcher.notify()
 * await dispatcher.close()
 * ```
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { storage, sender, policy } = options
  const leaseMs = options.leaseMs ?? WEBHOOK_DISPATCHER_DEFAULTS.leaseMs
  const pollMs = options.pollMs ?? WEBHOOK_DISPATCHER_DEFAULTS.pollMs
  const retentionMs = options.retentionMs ?? WEBHOOK_DISPATCHER_DEFAULTS.retentionMs
  const batchSize = Math.max(1, options.batchSize ?? WEBHOOK_DISPATCHER_DEFAULTS.batchSize)
  const now = options.now ?? (() => new Date())
  const owner = options.instanceId ?? randomUUID()
  const limiter = options.limiter ?? createDeliveryLimiter()
  const onError = options.onError ?? ((error: unknown) => console.error(error))
  const recorder = createAttemptRecorder(storage)
  const shutdown = new AbortController()
  const inFlight = new Set<Promise<unknown>>()
  let loop: Promise<void> | undefined
  let closed = false
  let woken = false
  let wake: (() => void) | undefined
  let lastPrune = Number.NEGATIVE_INFINITY

  const claim = (limit: number, ids?: readonly string[]) =>
    storage.claimDeliveries({ owner, now: now(), leaseMs, limit, ...(ids ? { ids } : {}) })

  /** One attempt and its record; never rejects, so a failed storage write stops nothing else. */
  function send(claimed: ClaimedDelivery): Promise<DispatchResult | undefined> {
    const attempt = (async () => {
      try {
        const result = await dispatchWebhookDelivery(claimed, {
          sender,
          limiter,
          now,
          signal: shutdown.signal,
          ...(policy ? { policy } : {}),
        })
        if (result.cancelled) return undefined
        await recorder.record({ ...result, owner })
        return result
      } catch (error) {
        onError(error)
        return undefined
      }
    })()
    inFlight.add(attempt)
    attempt.finally(() => {
      inFlight.delete(attempt)
      wakeUp()
    })
    return attempt
  }

  async function pruneIfDue(): Promise<void> {
    const at = now().getTime()
    if (at - lastPrune < HOUR) return
    lastPrune = at
    try {
      await storage.pruneWebhooks(new Date(at - retentionMs))
    } catch (error) {
      onError(error)
    }
  }

  async function runDue(): Promise<number> {
    if (closed) return 0
    await pruneIfDue()
    const results = await Promise.all((await claim(batchSize)).map(send))
    return results.filter(Boolean).length
  }

  async function drain(): Promise<number> {
    let total = 0
    for (;;) {
      const sent = await runDue()
      if (sent === 0) return total
      total += sent
    }
  }

  async function sendNow(ids: readonly string[]): Promise<DispatchResult[]> {
    if (closed || ids.length === 0) return []
    const results = await Promise.all((await claim(ids.length, ids)).map(send))
    return results.filter((result) => result !== undefined)
  }

  function wakeUp(): void {
    woken = true
    wake?.()
  }

  function sleep(ms: number): Promise<void> {
    if (woken || closed) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      // The loop alone never keeps a process alive; a server or an attempt in flight does.
      const timer = setTimeout(done, ms).unref()
      wake = done
    })
  }

  /**
   * Keeps up to `batchSize` attempts in flight: claims again once half have finished, so one
   * slow receiver holds its own slots and no pass waits for it.
   */
  async function run(): Promise<void> {
    while (!closed) {
      woken = false
      let wait = pollMs
      try {
        await pruneIfDue()
        const room = batchSize - inFlight.size
        if (room >= batchSize / 2) {
          const claimed = await claim(room)
          for (const delivery of claimed) void send(delivery)
          if (claimed.length === room) continue
          const next = await storage.nextDeliveryDue(now())
          // At least a few ms: a delivery due now that the claim skipped must not spin the loop.
          if (next) wait = Math.min(pollMs, Math.max(5, next.getTime() - now().getTime()))
        }
      } catch (error) {
        onError(error)
      }
      if (!closed) await sleep(wait)
    }
  }

  return {
    instanceId: owner,
    runDue,
    drain,
    sendNow,
    start() {
      if (closed || loop) return
      loop = run()
    },
    notify: wakeUp,
    async close() {
      if (closed) return
      closed = true
      wakeUp()
      shutdown.abort()
      await loop
      await Promise.all([...inFlight])
    },
  }
}
