import { isImporterError, type ProductImporter } from '@product-importer/core'
import { z } from 'zod'
import { defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import { DATABASE_RETRY_AFTER_S } from '../errors.js'
import { json } from '../serialize.js'

/** The open routes: liveness, readiness and the OpenAPI document. */
export const serviceRouteSpecs = {
  health: defineRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    public: true,
    responses: { 200: jsonResponse('The server is up', z.object({ status: z.literal('ok') })) },
  }),
  ready: defineRoute({
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the database answers',
    public: true,
    responses: {
      200: jsonResponse('The database answers', z.object({ status: z.literal('ok') })),
      503: jsonResponse(
        'The database cannot be reached; ask again after Retry-After seconds',
        z.object({ status: z.literal('unavailable') }),
      ),
    },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document',
    public: true,
    responses: {
      200: jsonResponse(
        'OpenAPI 3.1',
        z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
      ),
    },
  }),
}

/** Registers the handlers of {@link serviceRouteSpecs}; `openapi` is the document to serve. */
export function serviceRoutes(router: Router, importer: ProductImporter, openapi: unknown): void {
  router.on(serviceRouteSpecs.health, () => json({ status: 'ok' }))
  router.on(serviceRouteSpecs.ready, async () => {
    try {
      // Straight to the storage: the importer's first use would migrate, and a readiness
      // probe must stay cheap.
      await importer.storage.ping?.()
    } catch (error) {
      // Any other failure is a defect the error handler logs, not an outage to wait out.
      if (!isImporterError(error, 'DATABASE_UNAVAILABLE')) throw error
      return json({ status: 'unavailable' }, 503, {
        'retry-after': String(DATABASE_RETRY_AFTER_S),
      })
    }
    return json({ status: 'ok' })
  })
  router.on(serviceRouteSpecs.openapi, () => json(openapi))
}
