import { codesOfStatus, DATABASE_RETRY_AFTER_S } from './errors.js'

type Json = Record<string, unknown>

/**
 * The error responses many routes share, declared once under `components.responses` and
 * referenced from each route that can send them, by status.
 */
export const SHARED_ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description: 'A query, body or file the route cannot take, with what is wrong',
  },
  401: {
    name: 'Unauthorized',
    description:
      'UNAUTHORIZED: the app has a token and the request carries none, or another (Bearer header or session cookie)',
  },
  403: {
    name: 'Forbidden',
    description:
      'HOST_NOT_ALLOWED: a Host the app does not answer (without a token, only loopback names and allowedHosts); CSRF_REJECTED: a cross-site browser write; FORBIDDEN: refused by the authorize hook',
  },
  404: { name: 'NotFound', description: 'No such resource' },
  413: {
    name: 'PayloadTooLarge',
    description: 'PAYLOAD_TOO_LARGE: the body exceeds maxJsonBytes, or the upload maxUploadBytes',
  },
  415: {
    name: 'UnsupportedMediaType',
    description:
      'UNSUPPORTED_MEDIA_TYPE: a body that is not of a type the route takes, or a compressed one (Content-Encoding other than identity, named in details.content_encoding)',
  },
  500: {
    name: 'InternalError',
    description:
      'STORAGE_FAILED, PARSER_FAILED, INTERNAL: the server failed; the message hides internals',
  },
  503: {
    name: 'DatabaseUnavailable',
    description:
      'DATABASE_UNAVAILABLE: the database cannot be reached. BUSY: every connection for this work stayed taken, or as many searches of one kind as this instance runs and queues at once already do. Either way, ask again after Retry-After seconds',
  },
  507: {
    name: 'StagingFull',
    description:
      'STAGING_FULL: the staging folder has no room left for the upload; nothing of it was kept',
  },
}

/** The error body under `status`, its code limited to those the server answers with it. */
export function errorSchemaOf(status: number): Json {
  const codes = codesOfStatus(status)
  return {
    allOf: [
      { $ref: '#/components/schemas/Error' },
      codes.length > 0
        ? {
            type: 'object',
            properties: {
              error: { type: 'object', properties: { code: { type: 'string', enum: codes } } },
            },
          }
        : {},
    ],
  }
}

/** `components.responses`: every shared error response with its body. */
export function sharedResponseComponents(): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(SHARED_ERROR_RESPONSES).map(([status, { name, description }]) => [
      name,
      {
        description,
        ...(status === '503'
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait before asking again (DATABASE_UNAVAILABLE)',
                  schema: { type: 'integer', example: DATABASE_RETRY_AFTER_S },
                },
              },
            }
          : {}),
        content: { 'application/json': { schema: errorSchemaOf(Number(status)) } },
      },
    ]),
  )
}

/**
 * A reference to the shared response of `status`, with the route's own description where it
 * has one (OpenAPI 3.1 lets a reference carry it).
 */
export function sharedResponse(status: number, description?: string): Json {
  const shared = SHARED_ERROR_RESPONSES[status]
  if (!shared) throw new Error(`no shared response for ${status}`)
  return {
    $ref: `#/components/responses/${shared.name}`,
    ...(description ? { description } : {}),
  }
}
