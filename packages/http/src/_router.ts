import type { EventHandler, H3, HTTPMethod, Middleware } from 'h3'
import { ApiError } from './errors.js'

/** Registers routes on an app, each also under the base path. Trailing slashes match both ways. */
export interface Router {
  on(method: HTTPMethod, path: string, handler: EventHandler, options?: { public?: boolean }): void
}

/**
 * A router over `app`. A route is reachable at `path` and at `basePath + path`: node:http hands
 * the app the full path, while Express strips its mount path first. A known path asked with
 * another method answers 405 with `Allow`.
 */
export function createRouter(app: H3, basePath: string, guard: Middleware): Router {
  const methods = new Map<string, Set<string>>()
  return {
    on(method, path, handler, options = {}) {
      const middleware = options.public ? [] : [guard]
      let allowed = methods.get(path)
      const first = !allowed
      if (!allowed) {
        allowed = new Set()
        methods.set(path, allowed)
      }
      allowed.add(method)
      if (method === 'GET') allowed.add('HEAD')
      const known = allowed
      const notAllowed: EventHandler = () => {
        throw new ApiError('METHOD_NOT_ALLOWED', `Use ${[...known].join(', ')} on this path`, {
          headers: { allow: [...known].join(', ') },
        })
      }
      for (const p of basePath ? [path, basePath + path] : [path]) {
        app.on(method, p, handler, { middleware })
        if (method === 'GET') app.on('HEAD', p, handler, { middleware })
        if (first) app.all(p, notAllowed)
      }
    },
  }
}
