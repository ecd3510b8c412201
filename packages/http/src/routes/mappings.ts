import type { ColumnMappingRecord, ProductImporter } from '@product-importer/core'
import type { H3Event } from 'h3'
import { z } from 'zod'
import { mappingSchema } from '../_reading-options.js'
import { defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import { ApiError } from '../errors.js'
import { json } from '../serialize.js'

/** A remembered column mapping as the API returns it. */
export const mappingJsonSchema = z.object({
  header_signature: z.string().describe('headerSignature() of the header the mapping is for'),
  mapping: mappingSchema.describe('Field to header name; null for a field not imported'),
  headers: z.array(z.string()).describe('The header names of the file it was made for'),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
})

/** A remembered mapping as the API answers it. */
export function toMappingJson(record: ColumnMappingRecord): z.output<typeof mappingJsonSchema> {
  return {
    header_signature: record.signature,
    mapping: record.columns,
    headers: record.headers,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  }
}

const SIGNATURE = /^[0-9a-f]{64}$/

/**
 * `/api/mappings/...`: the column mappings remembered by header signature. An import with a
 * `mapping` remembers it; the next file with the same headers maps itself.
 */
export const mappingRouteSpecs = {
  list: defineRoute({
    method: 'GET',
    path: '/api/mappings/',
    summary: 'Remembered column mappings, most recently saved first',
    responses: {
      200: jsonResponse('The remembered mappings', z.object({ items: z.array(mappingJsonSchema) })),
    },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/mappings/:signature/',
    summary: 'The mapping remembered for a header signature',
    responses: { 200: jsonResponse('The mapping', mappingJsonSchema), 404: 'None remembered' },
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/api/mappings/:signature/',
    summary: 'Forget the mapping of a header signature',
    responses: { 204: 'Forgotten', 404: 'None remembered' },
  }),
}

/** The signature in the path; 404 for anything that is no signature. */
function signatureOf(event: H3Event): string {
  const value = String(event.context.params?.signature ?? '').toLowerCase()
  if (!SIGNATURE.test(value)) {
    throw new ApiError('NOT_FOUND', `No mapping remembered for ${value.slice(0, 100)}`)
  }
  return value
}

export function mappingRoutes(router: Router, importer: ProductImporter): void {
  const specs = mappingRouteSpecs
  router.on(specs.list, async () =>
    json({ items: (await importer.mappings.list()).map(toMappingJson) }),
  )
  router.on(specs.get, async (event) => {
    const signature = signatureOf(event)
    const found = await importer.mappings.get(signature)
    if (!found) throw new ApiError('NOT_FOUND', `No mapping remembered for ${signature}`)
    return json(toMappingJson(found))
  })
  router.on(specs.remove, async (event) => {
    const signature = signatureOf(event)
    if (!(await importer.mappings.delete(signature))) {
      throw new ApiError('NOT_FOUND', `No mapping remembered for ${signature}`)
    }
    return new Response(null, { status: 204 })
  })
}
