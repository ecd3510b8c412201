import { storageFailed as toStorageError } from '@product-importer/core/sql'

/** The SQLSTATE of a PostgreSQL error, when `error` is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** True for a unique violation on the `sku_key` column. */
export function isSkuKeyViolation(error: unknown): boolean {
  if (sqlState(error) !== '23505') return false
  const { constraint, detail } = error as { constraint?: string; detail?: string }
  return Boolean(constraint?.includes('sku_key') || detail?.includes('(sku_key)'))
}

// Socket and DNS errors of a server that is down, restarting or out of reach.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
])
// admin_shutdown, crash_shutdown, cannot_connect_now ("the database system is starting up" or
// "shutting down"); class 08 is every connection exception.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03'])
// What pg says of a connection that ended under a query, or of a client that lost it before.
const LOST_CONNECTION = /Connection terminated|not queryable/i

/**
 * True when `error` says the server cannot be reached now, rather than that the query failed:
 * a refused, reset or timed-out connection, a name that does not resolve, a connection the
 * server ended, or a server starting up or shutting down. A constraint, a full disk or bad SQL
 * is false. Node's AggregateError of a host with several addresses is looked into.
 */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false
  const code = sqlState(error)
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || /^08/.test(code))) {
    return true
  }
  if (error instanceof Error && LOST_CONNECTION.test(error.message)) return true
  if (error instanceof AggregateError && error.errors.some((e) => isUnavailable(e, depth + 1))) {
    return true
  }
  return isUnavailable((error as { cause?: unknown }).cause, depth + 1)
}

/**
 * A driver or connection error as `STORAGE_FAILED` naming PostgreSQL and what failed, or as
 * `DATABASE_UNAVAILABLE` when the server cannot be reached ({@link isUnavailable}).
 */
export const storageFailed = (what: string, error: unknown) =>
  toStorageError('PostgreSQL', what, error, isUnavailable)
