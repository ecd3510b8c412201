/**
 * Stable error codes of {@link ImporterError}. The HTTP adapter maps each to a status in one place.
 */
export type ImporterErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'SKU_TAKEN'
  | 'MISSING_SKU_COLUMN'
  | 'INVALID_ENCODING'
  | 'MALFORMED_CSV'
  | 'EMPTY_FILE'
  | 'ROW_INVALID'
  | 'SOURCE_FAILED'
  | 'STORAGE_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'JOB_FINISHED'
  | 'WEBHOOK_URL_FORBIDDEN'

/** Options of {@link ImporterError}. */
export interface ImporterErrorOptions {
  cause?: unknown
  /** Structured context for the caller, e.g. the zod issues or the byte offset. */
  details?: unknown
}

/**
 * The one error family of product-importer. Row problems during an import are not thrown: they
 * are reported as `row-error` events.
 *
 * @example
 * ```ts
 * try {
 *   await importer.products.create({ sku: 'A-1', name: 'Lamp' })
 * } catch (error) {
 *   if (isImporterError(error, 'SKU_TAKEN')) console.log('already there')
 * }
 * ```
 */
export class ImporterError extends Error {
  override readonly name = 'ImporterError'
  readonly code: ImporterErrorCode
  readonly details?: unknown

  constructor(code: ImporterErrorCode, message: string, options: ImporterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    if (options.details !== undefined) this.details = options.details
  }
}

/** True when `error` is an {@link ImporterError}, optionally with the given code. */
export function isImporterError(error: unknown, code?: ImporterErrorCode): error is ImporterError {
  return error instanceof ImporterError && (code === undefined || error.code === code)
}
