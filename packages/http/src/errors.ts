import { type ImporterErrorCode, isImporterError } from '@product-importer/core'
import { HTTPError, HTTPResponse } from 'h3'

/** Codes the HTTP adapter adds to those of the core. */
export type HttpOnlyErrorCode =
  | 'FILE_REQUIRED'
  | 'INVALID_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CSRF_REJECTED'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'HOST_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_CONSUMED'
  | 'STAGING_FULL'

/** Every `error.code` an API response can carry. */
export type ApiErrorCode = ImporterErrorCode | HttpOnlyErrorCode

/** The body of every error response. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details: unknown }
}

// The one place codes become statuses.
const STATUS: Record<ApiErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  FILE_REQUIRED: 400,
  MISSING_SKU_COLUMN: 400,
  MAPPING_INVALID: 400,
  INVALID_ENCODING: 400,
  MALFORMED_CSV: 400,
  EMPTY_FILE: 400,
  ROW_INVALID: 400,
  SOURCE_FAILED: 400,
  WEBHOOK_URL_FORBIDDEN: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  HOST_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SKU_TAKEN: 409,
  JOB_FINISHED: 409,
  NOT_RESUMABLE: 409,
  RESUME_FILE_MISMATCH: 409,
  CANCELLED: 409,
  SELECTION_CHANGED: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORAGE_FAILED: 500,
  PARSER_FAILED: 500,
  BODY_CONSUMED: 500,
  INTERNAL: 500,
  BUSY: 503,
  DATABASE_UNAVAILABLE: 503,
  STAGING_FULL: 507,
}

/**
 * Seconds a client waits before it asks again while the database cannot be reached: long
 * enough for a restart or a failover to finish, short enough that nobody gives up.
 */
export const DATABASE_RETRY_AFTER_S = 5

/** Headers an error response of a code always carries. */
const HEADERS: Partial<Record<ApiErrorCode, Record<string, string>>> = {
  DATABASE_UNAVAILABLE: { 'retry-after': String(DATABASE_RETRY_AFTER_S) },
  BUSY: { 'retry-after': '1' },
}

/** What a 5xx says instead of the internal message, which stays in the logs (`onUnexpected`). */
const PUBLIC_MESSAGE: Partial<Record<ApiErrorCode, string>> = {
  STORAGE_FAILED: 'The database failed',
  DATABASE_UNAVAILABLE: 'The database cannot be reached; try again later',
  PARSER_FAILED: 'The CSV parser failed',
  INTERNAL: 'Internal server error',
}

/** Every error code an API response can carry, in the order of the status table. */
export const API_ERROR_CODES = Object.keys(STATUS) as readonly ApiErrorCode[]

/** The codes answered with `status`: what the OpenAPI document allows under it. */
export function codesOfStatus(status: number): ApiErrorCode[] {
  return API_ERROR_CODES.filter((code) => STATUS[code] === status)
}

/** The HTTP status of an error code. */
export function statusOf(code: ApiErrorCode): number {
  return STATUS[code] ?? 500
}

/**
 * The one answer to an upload over the limit, wherever it is noticed: from its declared size,
 * while it streams, or from the size a browser announces first. The connection closes, since
 * the rest of the body is not read.
 */
export function uploadTooLarge(maxBytes: number, details: Record<string, unknown> = {}): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `The upload exceeds the limit of ${maxBytes} bytes`, {
    details: { max_bytes: maxBytes, ...details },
    headers: { connection: 'close' },
  })
}

/**
 * The one answer to an upload the staging folder has no room for (`ENOSPC`, `EDQUOT`): the
 * server's disk is full, not the request wrong, and the partial file is already removed. The
 * connection closes, since the rest of the body is not read.
 */
export function stagingFull(bytes: number, cause: unknown): ApiError {
  return new ApiError(
    'STAGING_FULL',
    `The server has no room left to stage the upload (its staging folder filled up after ${bytes} bytes); nothing was kept. Free space there, or set a staging folder on a larger disk`,
    { details: { bytes_written: bytes }, headers: { connection: 'close' }, cause },
  )
}

/** Whether a file system error says the disk (or the user's quota on it) is full. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/** An error the API answers with; thrown by route handlers. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: ApiErrorCode
  readonly details: unknown
  readonly headers: Record<string, string> | undefined

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details ?? null
    this.headers = options.headers
  }
}

/**
 * Turns anything thrown while handling a request into the JSON error response. Unknown errors
 * become a 500 whose message hides internals; `onUnexpected` sees the original.
 */
export function toErrorResponse(
  error: unknown,
  onUnexpected?: (error: unknown) => void,
): HTTPResponse {
  const { code, message, details, headers } = describe(error)
  // A full queue is the answer under load, not a fault to log once per request.
  if (statusOf(code) >= 500 && code !== 'BUSY') onUnexpected?.(error)
  const body: ApiErrorBody = { error: { code, message, details } }
  return new HTTPResponse(JSON.stringify(body), {
    status: statusOf(code),
    headers: { 'content-type': 'application/json; charset=utf-8', ...HEADERS[code], ...headers },
  })
}

function describe(error: unknown): {
  code: ApiErrorCode
  message: string
  details: unknown
  headers?: Record<string, string>
} {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: PUBLIC_MESSAGE[error.code] ?? error.message,
      details: error.details,
      ...(error.headers ? { headers: error.headers } : {}),
    }
  }
  if (isImporterError(error)) {
    const hidden = PUBLIC_MESSAGE[error.code]
    const retryAfterS = (error.details as { retryAfterS?: unknown } | undefined)?.retryAfterS
    return {
      code: error.code,
      message: hidden ?? error.message,
      details: hidden ? null : (error.details ?? null),
      ...(typeof retryAfterS === 'number'
        ? { headers: { 'retry-after': String(retryAfterS) } }
        : {}),
    }
  }
  if (HTTPError.isError(error)) {
    // h3 wraps what a handler throws; its own errors are routing and URL problems.
    if (error.cause !== undefined && error.unhandled) return describe(error.cause)
    if (error.status === 404)
      return { code: 'ROUTE_NOT_FOUND', message: 'No such route', details: null }
    if (error.status === 405)
      return { code: 'METHOD_NOT_ALLOWED', message: error.message, details: null }
    if (error.status === 413)
      return { code: 'PAYLOAD_TOO_LARGE', message: error.message, details: null }
    if (error.status === 415)
      return { code: 'UNSUPPORTED_MEDIA_TYPE', message: error.message, details: null }
    if (error.status < 500)
      return { code: 'VALIDATION_FAILED', message: error.message, details: null }
  }
  return { code: 'INTERNAL', message: 'Internal server error', details: null }
}
