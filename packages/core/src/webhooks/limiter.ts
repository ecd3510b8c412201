import pLimit, { type LimitFunction } from 'p-limit'
import { createTokenBucket, type LimiterClock, SYSTEM_CLOCK } from './_token-bucket.js'

export type { LimiterClock } from './_token-bucket.js'

/** Options of {@link createDeliveryLimiter}. */
export interface DeliveryLimiterOptions {
  /** Attempts in flight at most, over every endpoint. @default 32 */
  concurrency?: number
  /** Attempts in flight at most to one endpoint. @default 4 */
  perEndpointConcurrency?: number
  /** The clock the rate limits run on; injectable for tests. @default the wall clock */
  clock?: LimiterClock
}

/** Options of one {@link DeliveryLimiter.run}. */
export interface DeliveryRunOptions {
  /** The endpoint's rate limit in deliveries per second, `null` or absent for none. */
  rateLimit?: number | null
}

/** Runs delivery attempts within the global and per-endpoint limits. */
export interface DeliveryLimiter {
  /** Runs `task` for `endpointId` once the endpoint's cap, its rate limit and the global cap allow. */
  run<T>(endpointId: string, task: () => Promise<T>, options?: DeliveryRunOptions): Promise<T>
  /** Attempts running now. */
  readonly activeCount: number
  /** Attempts waiting for a slot or a rate-limit token. */
  readonly pendingCount: number
}

interface Lane {
  limit: LimitFunction
  rate: number | null
  bucket: { take(): number; full(): boolean } | null
}

/**
 * The concurrency limiter of the dispatcher: a global cap, a per-endpoint cap, and an optional
 * per-endpoint rate limit. An endpoint waits for its own cap and rate before it takes a global
 * slot, so a slow or rate-limited receiver never holds slots other endpoints could use.
 *
 * @example
 * ```ts
 * const limiter = createDeliveryLimiter({ concurrency: 16, perEndpointConcurrency: 2 })
 * await limiter.run(endpoint.id, () => sender.send(attempt), { rateLimit: endpoint.rateLimit })
 * ```
 */
export function createDeliveryLimiter(options: DeliveryLimiterOptions = {}): DeliveryLimiter {
  const clock = options.clock ?? SYSTEM_CLOCK
  const global = pLimit(options.concurrency ?? 32)
  const perEndpoint = options.perEndpointConcurrency ?? 4
  const lanes = new Map<string, Lane>()
  let waiting = 0

  function laneOf(endpointId: string, rate: number | null): Lane {
    let lane = lanes.get(endpointId)
    if (!lane) {
      lane = { limit: pLimit(perEndpoint), rate: null, bucket: null }
      lanes.set(endpointId, lane)
    }
    // A changed rate limit starts a fresh bucket.
    if (lane.rate !== rate) {
      lane.rate = rate
      lane.bucket = rate ? createTokenBucket(rate, clock) : null
    }
    return lane
  }

  async function run<T>(
    endpointId: string,
    task: () => Promise<T>,
    runOptions: DeliveryRunOptions = {},
  ): Promise<T> {
    const lane = laneOf(endpointId, runOptions.rateLimit ?? null)
    waiting++
    try {
      return await lane.limit(async () => {
        const wait = lane.bucket?.take() ?? 0
        if (wait > 0) await clock.sleep(wait)
        return global(() => {
          waiting--
          return task()
        })
      })
    } finally {
      // Idle lanes go, so endpoints seen once do not pile up; a lane whose bucket still owes
      // time stays, or one delivery after another would each find a fresh bucket.
      const idle = lane.limit.activeCount === 0 && lane.limit.pendingCount === 0
      if (idle && (lane.bucket?.full() ?? true)) {
        if (lanes.get(endpointId) === lane) lanes.delete(endpointId)
      }
    }
  }

  return {
    run,
    get activeCount() {
      return global.activeCount
    },
    get pendingCount() {
      return waiting
    },
  }
}
