import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { consoleLogger, type ProductImporter } from '@product-importer/core'
import { H3 } from 'h3'
import { DEFAULT_COOKIE_NAME, DEFAULT_MAX_UPLOAD_BYTES } from './_defaults.js'
import { createHostGuard } from './_host-guard.js'
import { createRouter } from './_router.js'
import { addSecurityHeaders } from './_security-headers.js'
import { createStaging } from './_staging.js'
import { createAuthMiddleware } from './auth.js'
import { toErrorResponse } from './errors.js'
import { H3_APP, type ImporterApp } from './importer-app.js'
import { createOpenApiDocument } from './openapi.js'
import { importRoutes } from './routes/imports.js'
import { mappingRoutes } from './routes/mappings.js'
import { productRoutes } from './routes/products.js'
import { serviceRoutes } from './routes/service.js'
import { sessionRoutes } from './routes/session.js'
import { uiRoutes } from './routes/ui.js'
import { uploadRoutes } from './routes/uploads.js'
import { webhookRoutes } from './routes/webhooks.js'
import type { ImporterAppOptions, ResolvedOptions } from './types.js'

/**
 * The REST API of a {@link ProductImporter} as an h3 app: products, imports with live progress
 * (SSE), CSV export, OpenAPI, a health check, and the web UI at its root. Mount it anywhere: it has `.fetch` for web
 * servers, and `toNodeHandler(app)` turns it into a node:http / Express handler.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createImporterApp, toNodeHandler } from '@product-importer/http'
 *
 * const app = createImporterApp(importer, { auth: { token: process.env.API_TOKEN! } })
 * createServer(toNodeHandler(app)).listen(3000)
 * ```
 */
export function createImporterApp(
  importer: ProductImporter,
  options: ImporterAppOptions = {},
): ImporterApp {
  const resolved = resolveOptions(options)
  const app = new H3({
    silent: true,
    onError: (error, event) =>
      toErrorResponse(error, (unexpected) => resolved.onUnexpectedError(unexpected, event)),
    onResponse: addSecurityHeaders,
  })
  const hostGuard = createHostGuard(resolved)
  if (hostGuard) app.use(hostGuard)
  const router = createRouter(
    app,
    resolved.basePath,
    createAuthMiddleware(resolved),
    resolved.maxJsonBytes,
  )

  serviceRoutes(router, importer, createOpenApiDocument(resolved))
  const staging = createStaging(resolved.staging.dir, resolved.staging.ttlMs)
  productRoutes(router, importer, resolved)
  importRoutes(router, importer, resolved, staging)
  uploadRoutes(router, staging, resolved, importer)
  mappingRoutes(router, importer)
  webhookRoutes(router, importer, resolved)
  sessionRoutes(router, resolved)
  uiRoutes(router, resolved.basePath)
  // Only `fetch`: h3's `mount()` given an h3 app copies its routes into the host and drops the
  // app's error handler and security headers; given this, it calls `fetch` like any host.
  const importerApp: ImporterApp = { fetch: (request) => app.fetch(request) }
  Object.defineProperty(importerApp, H3_APP, { value: app })
  return importerApp
}

function resolveOptions(options: ImporterAppOptions): ResolvedOptions {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  if (basePath && !basePath.startsWith('/')) {
    throw new TypeError(`basePath must start with "/", got "${options.basePath}"`)
  }
  if (options.auth && !options.auth.token) throw new TypeError('auth.token must not be empty')
  return {
    basePath,
    auth: options.auth
      ? {
          token: options.auth.token,
          cookieName: options.auth.cookieName ?? DEFAULT_COOKIE_NAME,
        }
      : undefined,
    authorize: options.authorize,
    trustedOrigins: options.trustedOrigins ?? [],
    allowedHosts: options.allowedHosts ?? [],
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    maxJsonBytes: options.maxJsonBytes ?? 1024 * 1024,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    progressIntervalMs: options.progressIntervalMs ?? 250,
    importOptions: options.importOptions ?? {},
    staging: {
      dir: options.staging?.dir ?? join(tmpdir(), 'product-importer-uploads'),
      ttlMs: options.staging?.ttlMs ?? 60 * 60 * 1000,
    },
    onUnexpectedError:
      options.onUnexpectedError ??
      ((error, event) =>
        (options.logger ?? consoleLogger).error(
          { err: error, method: event.req.method, path: event.url.pathname },
          'product-importer: unexpected error',
        )),
  }
}
