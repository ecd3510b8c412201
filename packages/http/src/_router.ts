import type { EventHandler, H3, HTTPMethod, Middleware } from 'h3'

/** Registers routes on an app, each also under the base path. Trailing slashes match both ways. */
export interface Router {
  on(method: HTTPMethod, path: string, handler: EventHandler, options?: { public?: boolean }): void
}

/**
 * A router over `app`. A route is reachable at `path` and at `basePath + path`: node:http hands
 * the app the full path, while Express strips its mount path first.
 */
export function createRouter(app: H3, basePath: string, guard: Middleware): Router {
  return {
    on(method, path, handler, options = {}) {
      const middleware = options.public ? [] : [guard]
      const paths = basePath ? [path, basePath + path] : [path]
      for (const p of paths) app.on(method, p, handler, { middleware })
    },
  }
}
