import { isImporterError, type Product, productETag } from '@product-importer/core'
import type { H3Event } from 'h3'
import { HTTPResponse } from 'h3'
import { ApiError } from './errors.js'
import { json, toProductJson } from './serialize.js'

// One entity tag of a list, `*`, or anything else up to the next comma (which matches nothing).
const LISTED_TAG = /\s*(\*|(?:W\/)?"[^"]*"|[^,]+)\s*(?:,|$)/g

/** The entity tags a conditional header lists, or `undefined` when it is absent. */
function tagsOf(event: H3Event, header: 'if-match' | 'if-none-match'): string[] | undefined {
  const value = event.req.headers.get(header)
  if (value === null) return undefined
  return [...value.matchAll(LISTED_TAG)].map((match) => (match[1] ?? '').trim())
}

/** The request's `If-Match` for the SDK's `ifMatch`: absent, or the tags it lists. */
export function ifMatchOf(event: H3Event): { ifMatch?: string[] } {
  const tags = tagsOf(event, 'if-match')
  // A header naming nothing usable still names no current version: it must fail, not pass.
  return tags === undefined ? {} : { ifMatch: tags.length > 0 ? tags : [''] }
}

/**
 * Whether the client's `If-None-Match` already names `product`'s version (weak comparison, as
 * for a GET), so a 304 can answer.
 */
export function notModified(event: H3Event, product: Product): boolean {
  const tags = tagsOf(event, 'if-none-match')
  if (!tags) return false
  const current = productETag(product)
  return tags.some((tag) => tag === '*' || tag.replace(/^W\//, '') === current)
}

/** A product answer with its `ETag`. */
export function productResponse(
  product: Product,
  status = 200,
  headers: Record<string, string> = {},
): HTTPResponse {
  return json(toProductJson(product), status, { ...headers, etag: productETag(product) })
}

/** The 304 of a GET whose `If-None-Match` names the current version. */
export function notModifiedResponse(product: Product): HTTPResponse {
  return new HTTPResponse(null, {
    status: 304,
    headers: { etag: productETag(product), 'cache-control': 'no-store' },
  })
}

/**
 * Runs a conditional write; the core's `PRECONDITION_FAILED` becomes the 412 answer, with the
 * product as it is now (and its `ETag`) so a client can show or merge it.
 */
export async function withPrecondition(write: () => Promise<Product>): Promise<HTTPResponse> {
  try {
    return productResponse(await write())
  } catch (error) {
    if (!isImporterError(error, 'PRECONDITION_FAILED')) throw error
    const { current } = error.details as { current: Product }
    const etag = productETag(current)
    throw new ApiError(
      'PRECONDITION_FAILED',
      'The product was changed since the version in If-Match; nothing was written',
      { details: { current: toProductJson(current), etag }, headers: { etag }, cause: error },
    )
  }
}
