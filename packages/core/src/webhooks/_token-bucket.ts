/** A clock and a way to wait on it; injectable so tests run on virtual time. */
export interface LimiterClock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>
}

/** The wall clock. */
export const SYSTEM_CLOCK: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/**
 * A token bucket in its GCRA form: one timestamp instead of a token count and a refill timer.
 * `take()` reserves the next slot and answers how long to wait for it, so callers queue in the
 * order they asked. Bursts up to `rate` (at least 1) pass at once.
 */
export function createTokenBucket(
  rate: number,
  clock: LimiterClock,
): { take(): number; full(): boolean } {
  const interval = 1000 / rate
  const burst = Math.max(1, Math.floor(rate))
  let theoretical = Number.NEGATIVE_INFINITY
  return {
    take() {
      const now = clock.now()
      theoretical = Math.max(theoretical, now)
      const wait = Math.max(0, theoretical - (burst - 1) * interval - now)
      theoretical += interval
      return wait
    },
    /** True when the bucket has refilled completely, so a fresh one would behave the same. */
    full: () => theoretical <= clock.now(),
  }
}
