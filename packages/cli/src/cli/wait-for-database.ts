import { setTimeout as sleep } from 'node:timers/promises'
import { type ImporterStorage, isImporterError } from '@product-importer/core'

/** The first pause of `serve` between attempts to reach the database. */
export const FIRST_RETRY_MS = 500
/** The longest pause: a database back after a long outage is served within this. */
export const MAX_RETRY_MS = 10_000

/**
 * Migrates `storage`, asking again while the database cannot be reached
 * (`DATABASE_UNAVAILABLE`): after 0.5 s, doubling up to 10 s, each attempt reported by `log` on
 * one line without a stack trace. Any other failure (a wrong password, a database that does not
 * exist) throws at once: waiting would not mend it. Resolves true once migrated, false when
 * `signal` aborts the wait.
 */
export async function migrateWhenReachable(
  storage: ImporterStorage,
  options: { signal: AbortSignal; log: (line: string) => void },
): Promise<boolean> {
  const { signal, log } = options
  for (let attempt = 1, pause = FIRST_RETRY_MS; ; attempt++) {
    if (signal.aborted) return false
    try {
      // A connection attempt to a host that drops packets hangs until the OS gives up: a stop
      // must not wait for it.
      const migrating = storage.migrate()
      migrating.catch(() => {})
      if (!(await raceAbort(migrating, signal))) return false
      if (attempt > 1) log(`database reached after ${attempt} attempts`)
      return true
    } catch (error) {
      if (!isImporterError(error, 'DATABASE_UNAVAILABLE')) throw error
      log(
        `waiting for the database (attempt ${attempt}): ${error.message}; ` +
          `next attempt in ${pause / 1000} s`,
      )
    }
    try {
      await sleep(pause, undefined, { signal })
    } catch {
      return false
    }
    pause = Math.min(pause * 2, MAX_RETRY_MS)
  }
}

/** True once `work` resolves, false as soon as `signal` aborts; rejects as `work` does. */
function raceAbort(work: Promise<void>, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const stop = () => resolve(false)
    signal.addEventListener('abort', stop, { once: true })
    work
      .then(
        () => resolve(true),
        (error: unknown) => reject(error),
      )
      .finally(() => signal.removeEventListener('abort', stop))
  })
}
