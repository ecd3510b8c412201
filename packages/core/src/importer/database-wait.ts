import { ImporterError, isImporterError } from '../errors.js'

/** How long a job write waits for a database that cannot be reached, unless told otherwise. */
export const DEFAULT_DATABASE_WAIT_MS = 30_000
/** First pause before a job write is tried again, doubled up to the most. */
const FIRST_PAUSE_MS = 100
const MOST_PAUSE_MS = 1000

/**
 * Runs `write` until it answers, trying again while it fails with `DATABASE_UNAVAILABLE` (a
 * restart, a failover) for up to `waitMs`, pausing 0.1 s doubling to 1 s; then rejects with the
 * last error, saying how long it waited; on any other error, or once `signal` aborts, with the
 * error itself. For the writes of a job, which
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
      const unavailable = isImporterError(error, 'DATABASE_UNAVAILABLE')
      if (!unavailable || signal?.aborted) throw error
      if (Date.now() + pause > deadline) {
        // Said as the import's writer says it, so either failing first reads the same.
        throw new ImporterError(
          'DATABASE_UNAVAILABLE',
          `${error.message}; the server did not answer again within ${waitMs / 1000} s`,
          { cause: error.cause ?? error, details: error.details },
        )
      }
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
