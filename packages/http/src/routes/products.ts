import {
  EXPORT_COLUMNS,
  fromWireInput,
  type ProductFilter,
  type ProductImporter,
  type ProductInput,
  type ProductPatch,
  type ProductSelection,
} from '@product-importer/core'
import { z } from 'zod'
import { param } from '../_body.js'
import { toByteStream } from '../_byte-stream.js'
import {
  ifMatchOf,
  notModified,
  notModifiedResponse,
  productResponse,
  withPrecondition,
} from '../_product-versions.js'
import { csvResponse, defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import { ApiError } from '../errors.js'
import {
  productBulkBodySchema,
  productCreateBodySchema,
  productFilterQuerySchema,
  productJsonSchema,
  productListQuerySchema,
  productPageSchema,
  productPatchBodySchema,
  productReplaceBodySchema,
} from '../schemas.js'
import { json, toProductJson } from '../serialize.js'
import type { ResolvedOptions } from '../types.js'

/** `/api/products/...`: list, create, read, replace, change, delete, delete all, export. */
export const productRouteSpecs = {
  list: defineRoute({
    method: 'GET',
    path: '/api/products/',
    summary: 'List products',
    query: productListQuerySchema,
    responses: { 200: jsonResponse('A page of products', productPageSchema), 400: 'Bad query' },
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/products/',
    summary: 'Create a product',
    body: productCreateBodySchema,
    bodyName: 'product',
    responses: {
      201: jsonResponse('Created', productJsonSchema),
      400: 'Invalid product',
      409: 'SKU already taken',
      415: 'Body is not JSON',
    },
  }),
  bulk: defineRoute({
    method: 'POST',
    path: '/api/products/bulk/',
    summary:
      'Delete, activate or deactivate products picked by ids, or every product matching a filter',
    body: productBulkBodySchema,
    bodyName: 'bulk change',
    responses: {
      200: jsonResponse(
        'How many products were deleted or changed, and the ids that named no product',
        z.object({
          deleted: z.number().int().optional(),
          changed: z.number().int().optional(),
          not_found: z.array(z.string()).describe('Ids of the request that named no product'),
        }),
      ),
      400: 'Invalid change, or a filter that narrows nothing without "all": true',
      409: 'SELECTION_CHANGED: the selection no longer matches `expect`; nothing was changed',
    },
  }),
  deleteAll: defineRoute({
    method: 'DELETE',
    path: '/api/products/delete_all/',
    summary: 'Delete every product',
    responses: {
      200: jsonResponse('How many were deleted', z.object({ deleted: z.number().int() })),
    },
  }),
  export: defineRoute({
    method: 'GET',
    path: '/api/products/export.csv',
    summary: 'Export products as CSV (streamed; formula cells neutralized; re-imports losslessly)',
    query: productFilterQuerySchema,
    responses: { 200: csvResponse(`Header ${EXPORT_COLUMNS.join(',')}, one product a line`) },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/products/:id/',
    summary: 'Get a product, with its version in the ETag header',
    responses: {
      200: jsonResponse('The product (ETag: its version)', productJsonSchema),
      304: 'Unchanged since the version in If-None-Match',
      404: 'No such product',
    },
  }),
  replace: defineRoute({
    method: 'PUT',
    path: '/api/products/:id/',
    summary:
      'Replace a product: every field is required (price may be null); with If-Match, only if unchanged',
    body: productReplaceBodySchema,
    bodyName: 'product',
    responses: {
      200: jsonResponse('Replaced (ETag: the new version)', productJsonSchema),
      400: 'Invalid product, or a field missing',
      404: 'No such product',
      409: 'SKU already taken',
      412: 'Changed since the version in If-Match: nothing written, the current product in details',
    },
  }),
  change: defineRoute({
    method: 'PATCH',
    path: '/api/products/:id/',
    summary:
      'Change some fields of a product (no write when nothing differs); with If-Match, only if unchanged',
    body: productPatchBodySchema,
    bodyName: 'product',
    responses: {
      200: jsonResponse('Changed (ETag: the new version)', productJsonSchema),
      400: 'Invalid fields',
      404: 'No such product',
      409: 'SKU already taken',
      412: 'Changed since the version in If-Match: nothing written, the current product in details',
    },
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/api/products/:id/',
    summary: 'Delete a product',
    responses: { 204: 'Deleted', 404: 'No such product' },
  }),
}

/** Registers the handlers of {@link productRouteSpecs}. */
export function productRoutes(
  router: Router,
  importer: ProductImporter,
  options: ResolvedOptions,
): void {
  const { products } = importer
  const specs = productRouteSpecs

  router.on(specs.list, async (event, { query }) => {
    const asOf = new Date()
    const page = await products.list({
      ...toFilter(query),
      page: query.page ?? 1,
      pageSize: query.page_size,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
      // A client that has gone takes its queries with it (PostgreSQL cancels them).
      signal: event.req.signal,
    })
    return json({
      items: page.items.map(toProductJson),
      total: page.total,
      page: page.page,
      page_size: page.pageSize,
      pages: Math.ceil(page.total / page.pageSize),
      next_cursor: page.nextCursor ?? null,
      as_of: asOf.toISOString(),
    })
  })

  router.on(specs.create, async (_event, { body }) => {
    const product = await products.create(fromWireInput(body) as ProductInput)
    return productResponse(product, 201, {
      location: `${options.basePath}/api/products/${product.id}/`,
    })
  })

  router.on(specs.bulk, async (_event, { body }) => {
    // The schema checked it; parsed here for its transforms (flags, dates).
    const { action, ids, filter, expect, as_of } = productBulkBodySchema.parse(body)
    const bounds = {
      ...(expect === undefined ? {} : { expect }),
      ...(as_of === undefined ? {} : { asOf: new Date(as_of) }),
    }
    // Exactly one of ids, filter and all was given.
    const selection: ProductSelection = ids
      ? { ids }
      : filter
        ? { filter: toFilter(filter), ...bounds }
        : { all: true, ...bounds }
    if (action === 'delete') {
      const { count, notFound } = await products.deleteMatching(selection)
      return json({ deleted: count, not_found: notFound })
    }
    const { count, notFound } = await products.setActive(selection, action === 'activate')
    return json({ changed: count, not_found: notFound })
  })

  router.on(specs.deleteAll, async () => json({ deleted: await products.deleteAll() }))

  router.on(specs.export, (_event, { query }) => {
    const chunks = products.exportCsv(toFilter(query), { neutralizeFormulas: true })
    return new Response(toByteStream(chunks), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="products.csv"',
        'cache-control': 'no-store',
      },
    })
  })

  router.on(specs.get, async (event) => {
    const product = await mustGet(importer, param(event, 'id'))
    return notModified(event, product) ? notModifiedResponse(product) : productResponse(product)
  })

  router.on(specs.replace, async (event, { body }) => {
    // The schema made sure every field is present, so nothing is reset behind the client's back.
    const id = param(event, 'id')
    return withPrecondition(() =>
      products.replace(id, fromWireInput(body) as ProductInput, ifMatchOf(event)),
    )
  })

  router.on(specs.change, async (event, { body }) => {
    const id = param(event, 'id')
    return withPrecondition(() =>
      products.update(id, fromWireInput(body) as ProductPatch, ifMatchOf(event)),
    )
  })

  router.on(specs.delete, async (event) => {
    const id = param(event, 'id')
    if (!(await products.delete(id))) throw notFound(id)
    return new Response(null, { status: 204 })
  })
}

async function mustGet(importer: ProductImporter, id: string) {
  const product = await importer.products.get(id)
  if (!product) throw notFound(id)
  return product
}

function notFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `No product with id ${id}`)
}

function toFilter({
  sku,
  name,
  description,
  q,
  active,
  brand,
  category,
  tag,
  group,
  barcode,
  ...unhandled
}: z.output<typeof productFilterQuerySchema>): ProductFilter {
  // A filter added to the schema is a type error here until it is handled.
  const _none: Record<string, never> = unhandled
  const filter: ProductFilter = {}
  if (sku) filter.sku = sku
  if (name) filter.name = name
  if (description) filter.description = description
  if (q) filter.q = q
  if (active !== undefined) filter.active = active
  // Exact values: a blank one filters nothing, as on the text filters.
  if (brand?.trim()) filter.brand = brand.trim()
  if (category?.trim()) filter.category = category.trim()
  if (tag?.trim()) filter.tag = tag.trim()
  if (group?.trim()) filter.group = group.trim()
  if (barcode?.trim()) filter.barcode = barcode.trim()
  return filter
}
