/**
 * Why an attempt failed: a network failure kind, `forbidden_address` for the SSRF guard,
 * `redirect` for a 3xx (never followed) and `http_status` for any other answer outside 2xx.
 */
export type WebhookErrorKind =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'unreachable'
  | 'dns'
  | 'tls'
  | 'forbidden_address'
  | 'invalid_url'
  | 'redirect'
  | 'http_status'
  | 'aborted'
  | 'network'

/** What one delivery attempt came to, as data for the attempt log and the retry policy. */
export interface WebhookAttemptOutcome {
  /** True for a 2xx answer, the only success. */
  ok: boolean
  /** The receiver's status code, or `null` when no answer came. */
  statusCode: number | null
  /** From the start of the attempt to the end of the response read (or the failure), in ms. */
  responseTimeMs: number
  errorKind: WebhookErrorKind | null
  errorMessage: string | null
  /** The start of the response body, decoded as UTF-8, at most `maxResponseBytes`. */
  responseBody: string
  /** True when the body was longer than what was kept. */
  responseTruncated: boolean
  /** The `Retry-After` header as received, or `null`. */
  retryAfter: string | null
}
