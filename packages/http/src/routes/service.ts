import { z } from 'zod'
import { defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import { json } from '../serialize.js'

/** The open routes: liveness and the OpenAPI document. */
export const serviceRouteSpecs = {
  health: defineRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    public: true,
    responses: { 200: jsonResponse('The server is up', z.object({ status: z.literal('ok') })) },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document',
    public: true,
    responses: { 200: 'OpenAPI 3.1' },
  }),
}

/** Registers the handlers of {@link serviceRouteSpecs}; `openapi` is the document to serve. */
export function serviceRoutes(router: Router, openapi: unknown): void {
  router.on(serviceRouteSpecs.health, () => json({ status: 'ok' }))
  router.on(serviceRouteSpecs.openapi, () => json(openapi))
}
