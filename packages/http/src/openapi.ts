import { z } from 'zod'
import { DEFAULT_COOKIE_NAME } from './_defaults.js'
import type { ResponseSpec, RouteSpec } from './_route.js'
import { DATABASE_RETRY_AFTER_S } from './errors.js'
import { importRouteSpecs } from './routes/imports.js'
import { mappingRouteSpecs } from './routes/mappings.js'
import { productRouteSpecs } from './routes/products.js'
import { serviceRouteSpecs } from './routes/service.js'
import { sessionRouteSpecs } from './routes/session.js'
import { uiRouteSpecs } from './routes/ui.js'
import { uploadRouteSpecs } from './routes/uploads.js'
import { DELIVERY_ID, webhookRouteSpecs } from './routes/webhooks.js'
import {
  errorBodySchema,
  importCreateBodySchema,
  importJobJsonSchema,
  productCreateBodySchema,
  productJsonSchema,
  productPageSchema,
  productPatchBodySchema,
} from './schemas.js'
import type { ImporterAppOptions } from './types.js'

type Json = Record<string, unknown>

/** Every route of the app, in the order the document lists them. */
export const ROUTE_SPECS: readonly RouteSpec[] = [
  ...Object.values(serviceRouteSpecs),
  ...Object.values(productRouteSpecs),
  ...Object.values(importRouteSpecs),
  ...Object.values(uploadRouteSpecs),
  ...Object.values(mappingRouteSpecs),
  ...Object.values(webhookRouteSpecs),
  ...Object.values(sessionRouteSpecs),
  ...Object.values(uiRouteSpecs),
]

// Routes that read or write the database, and so answer 503 DATABASE_UNAVAILABLE while it
// cannot be reached.
const DATABASE_ROUTES = new Set<RouteSpec>(
  [
    productRouteSpecs,
    importRouteSpecs,
    uploadRouteSpecs,
    mappingRouteSpecs,
    webhookRouteSpecs,
  ].flatMap((group) => Object.values(group) as RouteSpec[]),
)

/** The one 503 of {@link DATABASE_ROUTES}, documented once under components. */
const DATABASE_UNAVAILABLE_RESPONSE = {
  description:
    'DATABASE_UNAVAILABLE: the database cannot be reached; or BUSY: as many searches of one kind (or exports) as this instance runs and queues at once already do. Ask again after Retry-After seconds',
  headers: {
    'Retry-After': {
      description: 'Seconds to wait before asking again',
      schema: { type: 'integer', example: DATABASE_RETRY_AFTER_S },
    },
  },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
}

// Schemas documented once under components and referenced by name; any other is inlined.
const INPUT_COMPONENTS = new Map<z.ZodType, string>([
  [productCreateBodySchema, 'ProductInput'],
  [productPatchBodySchema, 'ProductPatch'],
  [importCreateBodySchema, 'ImportCreate'],
])
const OUTPUT_COMPONENTS = new Map<z.ZodType, string>([
  [productJsonSchema, 'Product'],
  [productPageSchema, 'ProductPage'],
  [importJobJsonSchema, 'ImportJob'],
  [errorBodySchema, 'Error'],
])

const UPLOAD_CONTENT = {
  'text/csv': { schema: { type: 'string' } },
  'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, dry_run: { type: 'string' } },
    },
  },
}

/**
 * The OpenAPI 3.1 document of every route of {@link createImporterApp}, generated from the
 * route table and the zod schemas the routes validate with, so it cannot miss a route or a
 * field. `basePath` prefixes the paths; `auth` adds its Bearer and cookie schemes.
 *
 * @example
 * ```ts
 * // The document of an app mounted under /admin/products, for a client generator
 * writeFileSync('openapi.json', JSON.stringify(createOpenApiDocument({ basePath: '/admin/products' })))
 * ```
 */
export function createOpenApiDocument(
  options: Pick<ImporterAppOptions, 'basePath' | 'auth'> = {},
): Json {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const paths: Record<string, Json> = {}
  for (const spec of ROUTE_SPECS) {
    const path = basePath + spec.path.replace(/:(\w+)/g, '{$1}')
    const item = paths[path] ?? {}
    paths[path] = item
    const names = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]!)
    if (names.length > 0) item.parameters = names.map(pathParameter)
    item[spec.method.toLowerCase()] = operation(spec)
  }
  const auth = options.auth
  return {
    openapi: '3.1.0',
    info: {
      title: 'product-importer',
      version: '0.1.0',
      description: 'Import product catalogs from CSV, manage products and follow imports live.',
    },
    ...(auth ? { security: [{ bearer: [] }, { cookie: [] }] } : {}),
    components: {
      ...(auth
        ? {
            securitySchemes: {
              bearer: { type: 'http', scheme: 'bearer' },
              cookie: {
                type: 'apiKey',
                in: 'cookie',
                name: auth.cookieName ?? DEFAULT_COOKIE_NAME,
              },
            },
          }
        : {}),
      schemas: {
        ...components('input', INPUT_COMPONENTS),
        ...components('output', OUTPUT_COMPONENTS),
      },
      responses: { DatabaseUnavailable: DATABASE_UNAVAILABLE_RESPONSE },
    },
    paths,
  }
}

function operation(spec: RouteSpec): Json {
  const body = spec.body && schemaOf(spec.body, 'input')
  const content: Json = {
    ...(spec.upload ? UPLOAD_CONTENT : {}),
    ...(body ? { 'application/json': { schema: body } } : {}),
  }
  return {
    summary: spec.summary,
    ...(spec.public ? { security: [] } : {}),
    ...(spec.query ? { parameters: queryParameters(spec.query) } : {}),
    ...(spec.body || spec.upload ? { requestBody: { required: !spec.optionalBody, content } } : {}),
    responses: {
      ...(DATABASE_ROUTES.has(spec)
        ? { 503: { $ref: '#/components/responses/DatabaseUnavailable' } }
        : {}),
      // A 503 the route declares itself wins.
      ...Object.fromEntries(
        Object.entries(spec.responses).map(([status, response]) => [
          status,
          toResponse(Number(status), response),
        ]),
      ),
    },
  }
}

function toResponse(status: number, response: ResponseSpec | string): Json {
  const spec = typeof response === 'string' ? { description: response } : response
  const schema = spec.json ?? (status >= 400 ? errorBodySchema : undefined)
  if (schema) {
    return {
      description: spec.description,
      content: { 'application/json': { schema: schemaOf(schema, 'output') } },
    }
  }
  if (spec.media) {
    return {
      description: spec.description,
      content: { [spec.media]: { schema: { type: 'string' } } },
    }
  }
  return { description: spec.description }
}

function pathParameter(name: string): Json {
  const schema =
    name === 'delivery_id'
      ? { type: 'string', pattern: DELIVERY_ID.source }
      : { type: 'string', format: 'uuid' }
  return { name, in: 'path', required: true, schema }
}

function queryParameters(schema: z.ZodType): Json[] {
  const json = toJsonSchema(schema, 'input') as { properties?: Record<string, Json> }
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }))
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const name = (io === 'input' ? INPUT_COMPONENTS : OUTPUT_COMPONENTS).get(schema)
  return name ? { $ref: `#/components/schemas/${name}` } : toJsonSchema(schema, io)
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json
  return json
}

function components(io: 'input' | 'output', schemas: Map<z.ZodType, string>): Record<string, Json> {
  const registry = z.registry<{ id: string }>()
  for (const [schema, id] of schemas) registry.add(schema, { id })
  const result = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> }
  for (const schema of Object.values(result.schemas)) {
    delete schema.$schema
    delete schema.$id
  }
  return result.schemas
}
