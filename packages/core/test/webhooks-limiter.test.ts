import { createDeliveryLimiter, type LimiterClock } from '@product-importer/core'
import { describe, expect, it } from 'vitest'

/** Lets every pending promise chain run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Virtual time: sleeps resolve only when the test advances the clock past them. */
function virtualClock() {
  let now = 0
  const timers: { at: number; wake: () => void }[] = []
  const clock: LimiterClock = {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })),
  }
  return {
    clock,
    /** Runs everything, jumping from timer to timer. */
    async runAll() {
      await settle()
      for (let i = 0; i < 1000 && timers.length > 0; i++) {
        timers.sort((a, b) => a.at - b.at)
        const timer = timers.shift()!
        now = timer.at
        timer.wake()
        await settle()
      }
    },
  }
}

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

describe('delivery limiter', () => {
  it('never runs more than the global cap, nor more than the per-endpoint cap for one endpoint', async () => {
    const limiter = createDeliveryLimiter({ concurrency: 3, perEndpointConcurrency: 2 })
    const inFlight = new Map<string, number>()
    let total = 0
    let maxTotal = 0
    let maxPerEndpoint = 0
    const done: string[] = []
    const tasks = Array.from({ length: 24 }, (_, i) => {
      const endpoint = `e${i % 2}`
      return limiter.run(endpoint, async () => {
        total++
        inFlight.set(endpoint, (inFlight.get(endpoint) ?? 0) + 1)
        maxTotal = Math.max(maxTotal, total)
        maxPerEndpoint = Math.max(maxPerEndpoint, inFlight.get(endpoint)!)
        await settle()
        total--
        inFlight.set(endpoint, inFlight.get(endpoint)! - 1)
        done.push(endpoint)
        return i
      })
    })
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 24 }, (_, i) => i))
    expect(maxTotal).toBe(3)
    expect(maxPerEndpoint).toBe(2)
    expect(done).toHaveLength(24)
    expect(limiter.activeCount).toBe(0)
    expect(limiter.pendingCount).toBe(0)
  })

  it('keeps serving other endpoints while one receiver hangs', async () => {
    const limiter = createDeliveryLimiter({ concurrency: 2, perEndpointConcurrency: 1 })
    const stuck = gate()
    const order: string[] = []
    const slow = [1, 2, 3].map((n) =>
      limiter.run('slow', async () => {
        await stuck.opened
        order.push(`slow ${n}`)
      }),
    )
    const fast = [1, 2, 3].map((n) =>
      limiter.run('fast', async () => {
        order.push(`fast ${n}`)
      }),
    )
    await Promise.all(fast)
    expect(order).toEqual(['fast 1', 'fast 2', 'fast 3'])
    expect(limiter.activeCount).toBe(1)
    expect(limiter.pendingCount).toBe(2)
    stuck.open()
    await Promise.all(slow)
    expect(order.slice(3)).toEqual(['slow 1', 'slow 2', 'slow 3'])
  })

  it('spaces deliveries to a rate-limited endpoint, after a burst of one second’s worth', async () => {
    const { clock, runAll } = virtualClock()
    const limiter = createDeliveryLimiter({ perEndpointConcurrency: 4, clock })
    const starts: number[] = []
    const tasks = Array.from({ length: 6 }, () =>
      limiter.run('limited', async () => void starts.push(clock.now()), { rateLimit: 2 }),
    )
    await runAll()
    await Promise.all(tasks)
    expect(starts).toEqual([0, 0, 500, 1000, 1500, 2000])
  })

  it('keeps the rate limit for deliveries made one after another', async () => {
    const { clock, runAll } = virtualClock()
    const limiter = createDeliveryLimiter({ clock })
    const starts: number[] = []
    const sequence = (async () => {
      for (let i = 0; i < 4; i++) {
        await limiter.run('e', async () => void starts.push(clock.now()), { rateLimit: 1 })
      }
    })()
    await runAll()
    await sequence
    expect(starts).toEqual([0, 1000, 2000, 3000])
  })

  it('holds no global slot while an endpoint waits for its rate limit', async () => {
    const { clock, runAll } = virtualClock()
    const limiter = createDeliveryLimiter({ concurrency: 1, clock })
    const order: string[] = []
    const limited = [1, 2, 3].map((n) =>
      limiter.run('limited', async () => void order.push(`limited ${n}`), { rateLimit: 1 }),
    )
    const free = [1, 2, 3].map((n) => limiter.run('free', async () => void order.push(`free ${n}`)))
    await Promise.all(free)
    // Only the first limited delivery had a token; the free endpoint did not wait behind the rest.
    expect(order).toEqual(['limited 1', 'free 1', 'free 2', 'free 3'])
    await runAll()
    await Promise.all(limited)
    expect(order.slice(4)).toEqual(['limited 2', 'limited 3'])
  })

  it('passes a failing delivery’s error to its caller and keeps going', async () => {
    const limiter = createDeliveryLimiter({ concurrency: 1 })
    const failing = limiter.run('e', async () => {
      throw new Error('receiver exploded')
    })
    await expect(failing).rejects.toThrow('receiver exploded')
    await expect(limiter.run('e', async () => 'next')).resolves.toBe('next')
  })
})
