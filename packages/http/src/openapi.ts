import { z } from 'zod'
import { DEFAULT_COOKIE_NAME } from './_defaults.js'
import {
  errorSchemaOf,
  SHARED_ERROR_RESPONSES,
  sharedResponse,
  sharedResponseComponents,
} from './_openapi-responses.js'
import type { ResponseSpec, RouteSpec } from './_route.js'
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

// The route groups, named: a route's operationId is its group and its key (`productsList`).
const ROUTE_GROUPS: Record<string, Record<string, RouteSpec>> = {
  service: serviceRouteSpecs,
  products: productRouteSpecs,
  imports: importRouteSpecs,
  uploads: uploadRouteSpecs,
  mappings: mappingRouteSpecs,
  webhooks: webhookRouteSpecs,
  session: sessionRouteSpecs,
  ui: uiRouteSpecs,
}

const OPERATION_IDS = new Map<RouteSpec, string>(
  Object.entries(ROUTE_GROUPS).flatMap(([group, specs]) =>
    Object.entries(specs).map(
      ([key, spec]) => [spec, group + key[0]!.toUpperCase() + key.slice(1)] as const,
    ),
  ),
)

/** Every route of the app, in the order the document lists them. */
export const ROUTE_SPECS: readonly RouteSpec[] = [...OPERATION_IDS.keys()]

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

// Routes that write into the staging folder, and so answer 507 STAGING_FULL when it is full.
const STAGING_ROUTES = new Set<RouteSpec>([uploadRouteSpecs.stage])

/**
 * The statuses of the shared error responses `spec` can send, whatever its own list says:
 * the host guard and the error handler stand before every route, the token check before every
 * route that is not public, the query check before every API route.
 */
function sharedStatusesOf(spec: RouteSpec): number[] {
  const takesBody = Boolean(spec.body || spec.upload)
  return [
    ...(spec.path.startsWith('/api/') || spec.query || takesBody ? [400] : []),
    ...(spec.public ? [] : [401]),
    403,
    ...(spec.path.includes('/:') ? [404] : []),
    ...(takesBody ? [413, 415] : []),
    500,
    ...(DATABASE_ROUTES.has(spec) ? [503] : []),
    ...(STAGING_ROUTES.has(spec) ? [507] : []),
  ]
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
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // The document is served from the app, under its base path: paths carry that prefix.
    servers: [{ url: '/', description: 'The server this document is served from' }],
    // Without a token the app answers anyone ({}); with one, every route not public needs it.
    security: auth ? [{ bearer: [] }, { cookie: [] }] : [{}, { bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token the app is given (`auth.token`, PRODUCT_IMPORTER_TOKEN)',
        },
        ...(auth
          ? {
              cookie: {
                type: 'apiKey',
                in: 'cookie',
                name: auth.cookieName ?? DEFAULT_COOKIE_NAME,
                description: 'The session cookie POST /api/session/ sets',
              },
            }
          : {}),
      },
      schemas: {
        ...components('input', INPUT_COMPONENTS),
        ...components('output', OUTPUT_COMPONENTS),
      },
      responses: sharedResponseComponents(),
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
  const own = Object.entries(spec.responses).map(([status, response]) => {
    const code = Number(status)
    const declared = typeof response === 'string' ? { description: response } : response
    // An error the route words its own way is still the shared one, with its description.
    const shared = SHARED_ERROR_RESPONSES[code] && !declared.json && !declared.media
    return [
      status,
      shared ? sharedResponse(code, declared.description) : toResponse(code, declared),
    ] as const
  })
  const shared = sharedStatusesOf(spec).map((code) => [String(code), sharedResponse(code)] as const)
  return {
    operationId: OPERATION_IDS.get(spec),
    summary: spec.summary,
    ...(spec.public ? { security: [] } : {}),
    ...(spec.query ? { parameters: queryParameters(spec.query) } : {}),
    ...(spec.body || spec.upload ? { requestBody: { required: !spec.optionalBody, content } } : {}),
    // What the route declares itself wins over the shared answer of the same status.
    responses: sortByStatus({ ...Object.fromEntries(shared), ...Object.fromEntries(own) }),
  }
}

function sortByStatus(responses: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)))
}

function toResponse(status: number, spec: ResponseSpec): Json {
  if (spec.json || status >= 400) {
    return {
      description: spec.description,
      content: {
        'application/json': {
          schema: spec.json ? schemaOf(spec.json, 'output') : errorSchemaOf(status),
        },
      },
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
