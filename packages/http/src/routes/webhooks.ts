import {
  type ProductImporter,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookEndpointReplaceSchema,
} from '@product-importer/core'
import type { H3Event } from 'h3'
import { z } from 'zod'
import { param } from '../_body.js'
import { defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import { ApiError } from '../errors.js'
import {
  webhookDeliveryJsonSchema,
  webhookDeliveryPageSchema,
  webhookDeliveryQuerySchema,
  webhookJsonSchema,
  webhookLogPageSchema,
  webhookPageQuerySchema,
  webhookRecoverBodySchema,
  webhookRotateBodySchema,
  webhookTestJsonSchema,
  webhookWithSecretJsonSchema,
} from '../schemas.js'
import { json } from '../serialize.js'
import type { ResolvedOptions } from '../types.js'
import {
  toWebhookDeliveryJson,
  toWebhookJson,
  toWebhookLogJson,
  toWebhookWithSecretJson,
} from '../webhook-json.js'

const invalidEndpoint =
  'Invalid endpoint, or a URL the webhook guard refuses (WEBHOOK_URL_FORBIDDEN)'

/** `/api/webhooks/...`: endpoints, their logs and deliveries, tests, redelivery and secrets. */
export const webhookRouteSpecs = {
  list: defineRoute({
    method: 'GET',
    path: '/api/webhooks/',
    summary: 'List webhook endpoints, oldest first',
    responses: { 200: jsonResponse('The endpoints', z.array(webhookJsonSchema)) },
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/webhooks/',
    summary:
      'Create a webhook endpoint (`{"url", "event_type", "active"}`, the older shape, works too)',
    body: webhookEndpointInputSchema,
    bodyName: 'endpoint',
    responses: {
      201: jsonResponse('Created, with its signing secret', webhookWithSecretJsonSchema),
      400: invalidEndpoint,
    },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/webhooks/:id/',
    summary: 'Get a webhook endpoint',
    responses: { 200: jsonResponse('The endpoint', webhookJsonSchema), 404: 'No such endpoint' },
  }),
  replace: defineRoute({
    method: 'PUT',
    path: '/api/webhooks/:id/',
    summary:
      'Replace the settings of a webhook endpoint: every field is required (400 names each one missing); PATCH changes some',
    body: webhookEndpointReplaceSchema,
    bodyName: 'endpoint',
    responses: {
      200: jsonResponse('Replaced', webhookJsonSchema),
      400: invalidEndpoint,
      404: 'No such endpoint',
    },
  }),
  change: defineRoute({
    method: 'PATCH',
    path: '/api/webhooks/:id/',
    summary: 'Change some settings of a webhook endpoint (`active: true` re-enables it)',
    body: webhookEndpointPatchSchema,
    bodyName: 'endpoint',
    responses: {
      200: jsonResponse('Changed', webhookJsonSchema),
      400: invalidEndpoint,
      404: 'No such endpoint',
    },
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/api/webhooks/:id/',
    summary: 'Delete a webhook endpoint with its deliveries and log',
    responses: { 204: 'Deleted', 404: 'No such endpoint' },
  }),
  logs: defineRoute({
    method: 'GET',
    path: '/api/webhooks/:id/logs/',
    summary: 'Delivery attempts of an endpoint, newest first',
    query: webhookPageQuerySchema,
    responses: {
      200: jsonResponse('A page of attempts', webhookLogPageSchema),
      400: 'Bad query',
      404: 'No such endpoint',
    },
  }),
  deliveries: defineRoute({
    method: 'GET',
    path: '/api/webhooks/:id/deliveries/',
    summary: 'Deliveries of an endpoint, newest first, optionally by status',
    query: webhookDeliveryQuerySchema,
    responses: {
      200: jsonResponse('A page of deliveries', webhookDeliveryPageSchema),
      400: 'Bad query',
      404: 'No such endpoint',
    },
  }),
  test: defineRoute({
    method: 'POST',
    path: '/api/webhooks/:id/test/',
    summary:
      "Send a `webhook.test` event now; answers the receiver's status code and response time, or the error",
    responses: {
      200: jsonResponse(
        'What the receiver answered (ok is false for a failure)',
        webhookTestJsonSchema,
      ),
      404: 'No such endpoint',
    },
  }),
  redeliver: defineRoute({
    method: 'POST',
    path: '/api/webhooks/:id/deliveries/:delivery_id/redeliver',
    summary: 'Queue one delivery again, with its webhook-id, whatever its status',
    responses: {
      202: jsonResponse('Queued', webhookDeliveryJsonSchema),
      404: 'No such endpoint or delivery',
    },
  }),
  recover: defineRoute({
    method: 'POST',
    path: '/api/webhooks/:id/recover',
    summary: 'Queue again every failed delivery of an endpoint created since a time',
    body: webhookRecoverBodySchema,
    bodyName: 'recovery',
    responses: {
      202: jsonResponse('How many were queued', z.object({ requeued: z.number().int() })),
      400: 'Invalid time',
      404: 'No such endpoint',
    },
  }),
  rotateSecret: defineRoute({
    method: 'POST',
    path: '/api/webhooks/:id/rotate-secret',
    summary:
      'A new signing secret; the old one keeps signing beside it for the grace period (24 h by default)',
    body: webhookRotateBodySchema,
    optionalBody: true,
    bodyName: 'rotation',
    responses: {
      200: jsonResponse('The endpoint with its new secret', webhookWithSecretJsonSchema),
      400: 'Invalid grace period',
      404: 'No such endpoint',
    },
  }),
  secret: defineRoute({
    method: 'GET',
    path: '/api/webhooks/:id/secret',
    summary: 'The signing secret of an endpoint',
    responses: {
      200: jsonResponse('The secret', z.object({ secret: z.string() })),
      404: 'No such endpoint',
    },
  }),
}

/** Registers the handlers of {@link webhookRouteSpecs}. */
export function webhookRoutes(
  router: Router,
  importer: ProductImporter,
  options: ResolvedOptions,
): void {
  const { webhooks } = importer
  const specs = webhookRouteSpecs

  router.on(specs.list, async () => json((await webhooks.list()).map(toWebhookJson)))

  // The API speaks snake_case, the SDK camelCase: the route's schema (which the router already
  // checked the body with) maps one to the other here, at the edge.
  router.on(specs.create, async (_event, { body }) => {
    const endpoint = await webhooks.create(webhookEndpointInputSchema.parse(body))
    return json(toWebhookWithSecretJson(endpoint), 201, {
      location: `${options.basePath}/api/webhooks/${endpoint.id}/`,
    })
  })

  router.on(specs.get, async (event) => {
    const id = param(event, 'id')
    const endpoint = await webhooks.get(id)
    if (!endpoint) throw notFound(id)
    return json(toWebhookJson(endpoint))
  })

  router.on(specs.replace, async (event, { body }) => {
    // Every field, as the spec's schema checked; nothing else the body holds (an endpoint read
    // back has its id and counters, and the older one-event shape is for creation only).
    const replaced = webhookEndpointReplaceSchema.parse(body)
    return json(toWebhookJson(await webhooks.update(param(event, 'id'), replaced)))
  })

  router.on(specs.change, async (event, { body }) => {
    const patch = webhookEndpointPatchSchema.parse(body)
    return json(toWebhookJson(await webhooks.update(param(event, 'id'), patch)))
  })

  router.on(specs.delete, async (event) => {
    const id = param(event, 'id')
    if (!(await webhooks.delete(id))) throw notFound(id)
    return new Response(null, { status: 204 })
  })

  router.on(specs.logs, async (event, { query }) => {
    const id = await mustExist(importer, param(event, 'id'))
    const attempts = await webhooks.attempts(id, query)
    return json({ items: attempts.map(toWebhookLogJson), ...query })
  })

  router.on(specs.deliveries, async (event, { query }) => {
    const id = await mustExist(importer, param(event, 'id'))
    const { status, ...page } = query
    const deliveries = await webhooks.deliveries(id, { ...page, ...(status ? { status } : {}) })
    return json({ items: deliveries.map(toWebhookDeliveryJson), ...page })
  })

  router.on(specs.test, async (event) => {
    const result = await webhooks.test(param(event, 'id'))
    return json({
      delivery_id: result.deliveryId,
      ok: result.ok,
      status_code: result.statusCode,
      response_time_ms: result.responseTimeMs,
      error: result.error,
    })
  })

  router.on(specs.redeliver, async (event) => {
    const delivery = await webhooks.redeliver(param(event, 'id'), deliveryParam(event))
    return json(toWebhookDeliveryJson(delivery), 202)
  })

  router.on(specs.recover, async (event, { body }) => {
    const requeued = await webhooks.recover(param(event, 'id'), new Date(body.since))
    return json({ requeued }, 202)
  })

  router.on(specs.rotateSecret, async (event, { body }) => {
    const gracePeriodMs = body?.grace_period_ms
    const endpoint = await webhooks.rotateSecret(
      param(event, 'id'),
      gracePeriodMs === undefined ? {} : { gracePeriodMs },
    )
    return json(toWebhookWithSecretJson(endpoint))
  })

  router.on(specs.secret, async (event) => {
    return json({ secret: await webhooks.secret(param(event, 'id')) })
  })
}

/** A delivery id: `msg_` and 32 hex digits; anything else cannot exist. */
export const DELIVERY_ID = /^msg_[0-9a-f]{32}$/

function deliveryParam(event: H3Event): string {
  const value = event.context.params?.delivery_id ?? ''
  if (!DELIVERY_ID.test(value)) {
    throw new ApiError('NOT_FOUND', `No such delivery: ${value.slice(0, 100)}`)
  }
  return value
}

async function mustExist(importer: ProductImporter, id: string): Promise<string> {
  if (!(await importer.webhooks.get(id))) throw notFound(id)
  return id
}

function notFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `No webhook endpoint with id ${id}`)
}
