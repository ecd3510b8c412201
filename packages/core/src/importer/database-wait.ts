import { isImporterError } from '../errors.js'

/** How long a job write waits for a database that cannot be reached, unless told otherwise. */
export const DEFAULT_DATABASE_WAIT_MS = 30_000
/** First pause before a job write is tried again, doubled up to the most. */
const FIRST_PAUSE_MS = 100
const MOST_PAUSE_MS = 1000

/**
 * Runs `write` until it answers, trying again while it fails with `DATABASE_UNAVAILABLE` (a
 * restart, a failover) for up to `waitMs`, pausing 0.1 s doubling to 1 s; then, or on any other
 * error, or once `signal` aborts, rejects with the last error. For the writes of a job, which
 * must not end the import, or leave the job `running`, over a database that is back in a second.
 */
export async function whileUnavailable<T>(
  write: () => Promise<T>,
  waitMs: number,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + waitMs
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MOST_PAUSE_MS)) {
    try {
      return await write()
    } catch (error) {
      const wait = isImporterError(error, 'DATABASE_UNAVAILABLE') && !signal?.aborted
      if (!wait || Date.now() + pause > deadline) throw error
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', done)
          resolve()
        }
        const timer = setTimeout(done, pause)
        signal?.addEventListener('abort', done, { once: true })
      })
    }
  }
}
