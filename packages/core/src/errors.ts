/**
 * Stable error codes of {@link ImporterError}: each says what happened, whoever reports it. The
 * HTTP adapter maps each to a status in one place.
 *
 * - `VALIDATION_FAILED`: an argument or a product's values are invalid.
 * - `NOT_FOUND`: no product or job with that id.
 * - `SKU_TAKEN`: another product has that SKU.
 * - `PRECONDITION_FAILED`: the product changed since the version the caller named (`ifMatch`);
 *   nothing was written, and `details.current` is the product as it is now.
 * - `MISSING_SKU_COLUMN`, `INVALID_ENCODING`, `MALFORMED_CSV`, `EMPTY_FILE`: the file cannot be
 *   imported as a whole.
 * - `ROW_INVALID`: an import asked to stop at the first invalid row did.
 * - `SOURCE_FAILED`: reading the input failed (missing file, broken upload).
 * - `CANCELLED`: the import was cancelled before it finished, or a listing's caller went away
 *   (its `signal` aborted).
 * - `PARSER_FAILED`: the CSV parser itself failed (its worker thread crashed).
 * - `STORAGE_FAILED`: the database failed, or the storage is closed.
 * - `DATABASE_UNAVAILABLE`: the database cannot be reached now (refused, lost or timed-out
 *   connection, a server starting up or shutting down); the same call may succeed once it
 *   answers again. A constraint, a full disk or a bad query stays `STORAGE_FAILED`.
 * - `JOB_FINISHED`: the job has already ended.
 * - `NOT_RESUMABLE`: the job cannot be resumed (it was not interrupted, or its file or its
 *   place in the file is unknown).
 * - `SELECTION_CHANGED`: a bulk change's selection no longer matches the count its caller
 *   confirmed (`expect`); nothing was changed.
 * - `RESUME_FILE_MISMATCH`: a resume was given another file than the one the job read (its
 *   size, header or bytes before the checkpoint differ); the job stays resumable with the right
 *   one.
 * - `BUSY`: every connection allowed for this work stayed taken for as long as it may wait, or
 *   as many searches of one kind as may run or wait at once already do
 *   (`details.retryAfterS`: when to ask again).
 * - `WEBHOOK_URL_FORBIDDEN`: a webhook URL is refused (scheme, credentials, or a private or
 *   loopback address that is not allowed).
 * - `INTERNAL`: anything else: a defect, never the caller's fault.
 */
export type ImporterErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'SKU_TAKEN'
  | 'PRECONDITION_FAILED'
  | 'MISSING_SKU_COLUMN'
  | 'MAPPING_INVALID'
  | 'INVALID_ENCODING'
  | 'MALFORMED_CSV'
  | 'EMPTY_FILE'
  | 'ROW_INVALID'
  | 'SOURCE_FAILED'
  | 'CANCELLED'
  | 'PARSER_FAILED'
  | 'STORAGE_FAILED'
  | 'DATABASE_UNAVAILABLE'
  | 'JOB_FINISHED'
  | 'NOT_RESUMABLE'
  | 'SELECTION_CHANGED'
  | 'RESUME_FILE_MISMATCH'
  | 'BUSY'
  | 'WEBHOOK_URL_FORBIDDEN'
  | 'INTERNAL'

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
