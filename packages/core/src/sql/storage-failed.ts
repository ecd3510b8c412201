import { ImporterError } from '../errors.js'

/**
 * A driver or connection error as the contract's `STORAGE_FAILED`, naming the database and what
 * it was doing. An {@link ImporterError} passes through unchanged.
 *
 * @example
 * ```ts
 * throw storageFailed('PostgreSQL', 'connect', error)
 * // ImporterError STORAGE_FAILED: PostgreSQL connect failed: connection refused
 * ```
 */
export function storageFailed(label: string, what: string, error: unknown): ImporterError {
  if (error instanceof ImporterError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new ImporterError('STORAGE_FAILED', `${label} ${what} failed: ${reason}`, {
    cause: error,
  })
}
