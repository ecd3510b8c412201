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
  info(details: object, message?: string): void
  warn(details: object, message?: string): void
  error(details: object, message?: string): void
}

/** The default {@link Logger}: the console, message first. */
export const consoleLogger: Logger = {
  info: (details, message) => console.info(message ?? '', details),
  warn: (details, message) => console.warn(message ?? '', details),
  error: (details, message) => console.error(message ?? '', details),
}
