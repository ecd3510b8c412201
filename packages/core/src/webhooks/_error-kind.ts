import { isImporterError } from '../errors.js'
import type { WebhookErrorKind } from './types.js'

const BY_CODE: Record<string, WebhookErrorKind> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|ERR_OSSL_)/

/** The kind of a failure thrown while sending, looking through its causes. */
export function errorKindOf(error: unknown): WebhookErrorKind {
  let current = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isImporterError(current, 'WEBHOOK_URL_FORBIDDEN')) return 'forbidden_address'
    const code = (current as NodeJS.ErrnoException).code
    if (code && BY_CODE[code]) return BY_CODE[code]
    if (code && TLS_CODE.test(code)) return 'tls'
    current = current.cause
  }
  return 'network'
}

/** A one-line message for the attempt log: the error and its first cause that adds something. */
export function errorMessageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? error.cause.message : ''
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message
}
