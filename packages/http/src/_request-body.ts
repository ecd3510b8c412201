import type { IncomingMessage } from 'node:http'
import { ImporterError } from '@product-importer/core'
import type { H3Event } from 'h3'
import { ApiError, uploadTooLarge } from './errors.js'

/** Bytes seen of an upload, shared by the reader and the route that answers. */
export interface BodyMeter {
  bytes: number
  /** Set once the body exceeded the limit. */
  exceeded: boolean
}

/**
 * The request body as chunks, straight from the socket (the Node request when there is one,
 * the web stream otherwise), failing with 413 once more than `maxBytes` arrived. Nothing is
 * buffered beyond what the consumer pulls: backpressure reaches the client. A body sent with a
 * `Content-Encoding` other than identity is refused at once with 415 (see
 * {@link assertIdentityEncoding}), before any job exists.
 */
export function bodyChunks(
  event: H3Event,
  maxBytes: number,
  meter: BodyMeter,
): AsyncGenerator<Uint8Array> {
  assertIdentityEncoding(event)
  return readChunks(event, maxBytes, meter)
}

/**
 * Refuses a body (an upload or JSON) whose `Content-Encoding` is anything but identity, naming
 * it: the bytes would otherwise be read as CSV and fail as a missing sku column or invalid
 * UTF-8, or as JSON that does not parse. Bodies are not decoded: no decoded-size limit can be
 * outrun by a small compressed body.
 */
export function assertIdentityEncoding(event: H3Event): void {
  const header = event.req.headers.get('content-encoding')
  if (header === null) return
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
  if (codings.length === 0) return
  throw new ApiError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Request bodies are read as sent, and this one is compressed (Content-Encoding: ${header.trim()}); send it uncompressed`,
    { details: { content_encoding: header.trim() }, headers: { connection: 'close' } },
  )
}

async function* readChunks(
  event: H3Event,
  maxBytes: number,
  meter: BodyMeter,
): AsyncGenerator<Uint8Array> {
  const chunks = rawChunks(event)
  try {
    for await (const chunk of chunks) {
      meter.bytes += chunk.byteLength
      if (meter.bytes > maxBytes) {
        meter.exceeded = true
        break
      }
      yield chunk
    }
  } catch (error) {
    // What the job records: say what happened rather than the socket's "aborted".
    throw new ImporterError(
      'SOURCE_FAILED',
      `the upload broke off after ${meter.bytes} bytes (client disconnected?)`,
      { cause: error },
    )
  }
  if (meter.exceeded) {
    // The import records it as its source failing, in the same words as the response.
    throw uploadTooLarge(maxBytes)
  }
}

function rawChunks(event: H3Event): AsyncIterable<Uint8Array> {
  const req = event.runtime?.node?.req as IncomingMessage | undefined
  if (req) {
    // Stopping early must not destroy the socket: the answer (413, 400) still has to go out.
    return req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>
  }
  const body = event.req.body
  if (!body) return (async function* () {})()
  return body as unknown as AsyncIterable<Uint8Array>
}

/** The declared body size, when the client sent one. */
export function contentLength(event: H3Event): number | undefined {
  const value = event.req.headers.get('content-length')
  if (value === null || !/^\d+$/.test(value)) return undefined
  return Number(value)
}
