import type { IncomingMessage } from 'node:http'
import type { H3Event } from 'h3'
import type { z } from 'zod'
import { assertIdentityEncoding } from './_request-body.js'
import { ApiError } from './errors.js'

/** Whether the request says its body is JSON. */
export function isJsonRequest(event: H3Event): boolean {
  const type = event.req.headers.get('content-type') ?? ''
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)
}

/**
 * Reads a small JSON body, refusing more than `maxBytes` (413) and anything but JSON (415),
 * a compressed body included.
 * Only for JSON: uploads never pass through here.
 */
export async function readJson(event: H3Event, maxBytes: number): Promise<unknown> {
  if (!isJsonRequest(event)) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as JSON (Content-Type: application/json)',
    )
  }
  assertIdentityEncoding(event)
  const declared = Number(event.req.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  assertBodyUnread(event)
  const body = event.req.body
  if (!body) throw new ApiError('INVALID_JSON', 'The request has no body')
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ApiError('INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`)
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `The JSON body exceeds ${maxBytes} bytes`, {
    details: { max_bytes: maxBytes },
  })
}

/** Parses `input` with `schema`, throwing a 400 with the zod issues. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ApiError(
    'VALIDATION_FAILED',
    `Invalid ${what}: ${result.error.issues.map(describeIssue).join('; ')}`,
    {
      details: { issues: result.error.issues },
    },
  )
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message
}

/** The query string as a plain object (the last value of a repeated key wins). */
export function queryOf(event: H3Event): Record<string, string> {
  return Object.fromEntries(event.url.searchParams)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The id in route parameter `name`. Ids are UUIDs: anything else cannot exist, so it is a 404
 * here rather than a query some databases reject (PostgreSQL's uuid type).
 */
export function param(event: H3Event, name: string): string {
  const value = event.context.params?.[name] ?? ''
  if (!UUID.test(value)) throw new ApiError('NOT_FOUND', `No such id: ${value.slice(0, 100)}`)
  return value.toLowerCase()
}

/**
 * Fails clearly when the host already drained the request: the app reads bodies itself. Express
 * body parsers leave `req.body`; Fastify parses into its own request object and leaves the
 * Node request ended, which a body nobody has read never is.
 */
export function assertBodyUnread(event: H3Event): void {
  const req = event.runtime?.node?.req as (IncomingMessage & { body?: unknown }) | undefined
  if (req?.readableEnded) {
    throw new ApiError(
      'BODY_CONSUMED',
      'The request body was already read by the host: mount the importer before body parsers such as express.json(), and in Fastify give its routes a content-type parser that leaves the body unread (docs/embedding.md)',
    )
  }
}
