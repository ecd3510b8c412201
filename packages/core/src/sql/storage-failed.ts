import { ImporterError } from '../errors.js'

/**
 * A driver or connection error as the contract's `STORAGE_FAILED`, naming the database and what
 * it was doing, or as `DATABASE_UNAVAILABLE` when the adapter's `isUnavailable` tells it is a
 * database that cannot be reached. An {@link ImporterError} passes through unchanged.
 *
 * @example
 * ```ts
 * throw storageFailed('PostgreSQL', 'connect', error)
 * // ImporterError STORAGE_FAILED: PostgreSQL connect failed: connection refused
 * ```
 */
export function storageFailed(
  label: string,
  what: string,
  error: unknown,
  isUnavailable: (error: unknown) => boolean = () => false,
): ImporterError {
  if (error instanceof ImporterError) return error
  const reason = reasonOf(error) || 'no reason given'
  return new ImporterError(
    isUnavailable(error) ? 'DATABASE_UNAVAILABLE' : 'STORAGE_FAILED',
    `${label} ${what} failed: ${reason}`,
    { cause: error },
  )
}

/** What went wrong, in words: Node's AggregateError of a host with several addresses has none. */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map((e) => reasonOf(e)).join('; ')
  }
  return error instanceof Error ? error.message : String(error)
}
