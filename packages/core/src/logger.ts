/**
 * Where the packages report what went wrong in the background (a webhook dispatcher that cannot
 * reach its database, a request that ended in a 500): pino's shape, details first, so a pino,
 * bunyan or similar logger is passed as is.
 *
 * @example
 * ```ts
 * import pino from 'pino'
 * createProductImporter({ storage, logger: pino() })
 * ```
 */
export interface Logger {
  /** Something worth knowing that needs no action. */
  info(details: object, message?: string): void
  /** Something that went wrong and recovered, or will be retried. */
  warn(details: object, message?: string): void
  /** A failure: `details.err` holds the error. */
  error(details: object, message?: string): void
}

/** The default {@link Logger}: the console, message first. */
export const consoleLogger: Logger = {
  info: (details, message) => console.info(message ?? '', details),
  warn: (details, message) => console.warn(message ?? '', details),
  error: (details, message) => console.error(message ?? '', details),
}
