import type { EventHandler, H3, H3Event, Middleware } from 'h3'
import type { z } from 'zod'
import { isJsonRequest, parseWith, queryOf, readJson } from './_body.js'
import type { RouteHandler, RouteSpec } from './_route.js'
import { ApiError } from './errors.js'

/** Registers routes on an app, each also under the base path. Trailing slashes match both ways. */
export interface Router {
  on<Q extends z.ZodType | undefined, B extends z.ZodType | undefined, U extends boolean>(
    spec: RouteSpec<Q, B, U>,
    handler: RouteHandler<Q, B, U>,
  ): void
}

/**
 * A router over `app`. A route is reachable at its path and at `basePath + path`: node:http
 * hands the app the full path, while Express strips its mount path first. A known path asked
 * with another method answers 405 with `Allow`. Query and JSON body are parsed with the route's
 * schemas before its handler runs.
 */
export function createRouter(
  app: H3,
  basePath: string,
  guard: Middleware,
  maxJsonBytes: number,
): Router {
  const methods = new Map<string, Set<string>>()
  return {
    on(spec, handler) {
      const path = spec.path.replace(/(.)\/$/, '$1')
      const middleware = spec.public ? [] : [guard]
      let allowed = methods.get(path)
      const first = !allowed
      if (!allowed) {
        allowed = new Set()
        methods.set(path, allowed)
      }
      allowed.add(spec.method)
      if (spec.method === 'GET') allowed.add('HEAD')
      const known = allowed
      const notAllowed: EventHandler = () => {
        throw new ApiError('METHOD_NOT_ALLOWED', `Use ${[...known].join(', ')} on this path`, {
          headers: { allow: [...known].join(', ') },
        })
      }
      const parsed: EventHandler = async (event) => {
        const query = spec.query
          ? parseWith(spec.query, queryOf(event), 'query')
          : assertNoQuery(spec, event)
        let body: unknown
        const skipped =
          (spec.upload && !isJsonRequest(event)) || (spec.optionalBody && hasNoBody(event))
        if (spec.body && !skipped) {
          body = await readJson(event, maxJsonBytes)
          parseWith(spec.body, body, spec.bodyName ?? 'body')
        }
        // The schemas above checked what the spec's types promise.
        return handler(event, { query, body } as Parameters<typeof handler>[1])
      }
      for (const p of basePath ? [path, basePath + path] : [path]) {
        app.on(spec.method, p, parsed, { middleware })
        if (spec.method === 'GET') app.on('HEAD', p, parsed, { middleware })
        if (first) app.all(p, notAllowed)
      }
    },
  }
}

/**
 * An API route without a query schema takes no parameters: one sent anyway is a mistake to say,
 * not to ignore (`DELETE /api/products/delete_all/?sku=x` must not look like a filter that held).
 */
function assertNoQuery(spec: RouteSpec, event: H3Event): undefined {
  const keys = [...new Set(event.url.searchParams.keys())]
  if (keys.length === 0 || !spec.path.startsWith('/api/')) return undefined
  throw new ApiError(
    'VALIDATION_FAILED',
    `Invalid query: unknown parameter${keys.length > 1 ? 's' : ''} ${keys.map((key) => JSON.stringify(key)).join(', ')} (this route takes none)`,
    { details: { unknown: keys } },
  )
}

function hasNoBody(event: H3Event): boolean {
  const headers = event.req.headers
  return (
    !headers.get('content-type') &&
    !headers.get('transfer-encoding') &&
    !(Number(headers.get('content-length') ?? 0) > 0)
  )
}
