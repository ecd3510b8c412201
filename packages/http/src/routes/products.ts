import { type ProductFilter, type ProductImporter, parseActive } from '@product-importer/core'
import { param, parseWith, queryOf, readJson } from '../_body.js'
import { toByteStream } from '../_byte-stream.js'
import type { Router } from '../_router.js'
import { ApiError } from '../errors.js'
import {
  productBulkBodySchema,
  productCreateBodySchema,
  productFilterQuerySchema,
  productListQuerySchema,
  productPatchBodySchema,
} from '../schemas.js'
import { json, toProductJson } from '../serialize.js'
import type { ResolvedOptions } from '../types.js'

/** `/api/products/...`: list, create, read, replace, change, delete, delete all, export. */
export function productRoutes(
  router: Router,
  importer: ProductImporter,
  options: ResolvedOptions,
): void {
  const { products } = importer

  router.on('GET', '/api/products', async (event) => {
    const query = parseWith(productListQuerySchema, queryOf(event), 'query')
    const page = await products.list({
      ...toFilter(query),
      page: query.page,
      pageSize: query.page_size,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
    })
    return json({
      items: page.items.map(toProductJson),
      total: page.total,
      page: page.page,
      page_size: page.pageSize,
      pages: Math.ceil(page.total / page.pageSize),
      next_cursor: page.nextCursor ?? null,
    })
  })

  router.on('POST', '/api/products', async (event) => {
    const body = await readJson(event, options.maxJsonBytes)
    parseWith(productCreateBodySchema, body, 'product')
    const product = await products.create(body as never)
    return json(toProductJson(product), 201, {
      location: `${options.basePath}/api/products/${product.id}/`,
    })
  })

  router.on('POST', '/api/products/bulk', async (event) => {
    const body = parseWith(
      productBulkBodySchema,
      await readJson(event, options.maxJsonBytes),
      'bulk change',
    )
    const selection = body.ids ? { ids: body.ids } : { filter: toFilter(body.filter ?? {}) }
    if (body.action === 'delete') return json({ deleted: await products.deleteMatching(selection) })
    return json({ changed: await products.setActive(selection, body.action === 'activate') })
  })

  router.on('DELETE', '/api/products/delete_all', async () => {
    const deleted = await products.deleteAll()
    return json({ deleted })
  })

  router.on('GET', '/api/products/export.csv', (event) => {
    const filter = toFilter(parseWith(productFilterQuerySchema, queryOf(event), 'query'))
    const chunks = products.exportCsv(filter, { neutralizeFormulas: true })
    return new Response(toByteStream(chunks), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="products.csv"',
        'cache-control': 'no-store',
      },
    })
  })

  router.on('GET', '/api/products/:id', async (event) => {
    return json(toProductJson(await mustGet(importer, param(event, 'id'))))
  })

  router.on('PUT', '/api/products/:id', async (event) => {
    const id = param(event, 'id')
    const body = await readJson(event, options.maxJsonBytes)
    parseWith(productCreateBodySchema, body, 'product')
    // PUT replaces the product: fields left out go back to their defaults.
    const replacement = {
      description: '',
      price: null,
      quantity: 0,
      active: true,
      ...(body as object),
    }
    return json(toProductJson(await products.update(id, replacement as never)))
  })

  router.on('PATCH', '/api/products/:id', async (event) => {
    const id = param(event, 'id')
    const body = await readJson(event, options.maxJsonBytes)
    parseWith(productPatchBodySchema, body, 'product')
    return json(toProductJson(await products.update(id, body as never)))
  })

  router.on('DELETE', '/api/products/:id', async (event) => {
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

function toFilter(query: {
  sku?: string | undefined
  name?: string | undefined
  description?: string | undefined
  q?: string | undefined
  active?: string | undefined
}): ProductFilter {
  const filter: ProductFilter = {}
  if (query.sku) filter.sku = query.sku
  if (query.name) filter.name = query.name
  if (query.description) filter.description = query.description
  if (query.q) filter.q = query.q
  if (query.active !== undefined) {
    const active = parseActive(query.active)
    if (active.ok) filter.active = active.value
  }
  return filter
}
