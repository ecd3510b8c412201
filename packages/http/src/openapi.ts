import { z } from 'zod'
import {
  errorBodySchema,
  importCreateBodySchema,
  importJobJsonSchema,
  jobListQuerySchema,
  productBulkBodySchema,
  productCreateBodySchema,
  productFilterQuerySchema,
  productJsonSchema,
  productListQuerySchema,
  productPageSchema,
  productPatchBodySchema,
  sessionBodySchema,
  uploadJsonSchema,
} from './schemas.js'

type Json = Record<string, unknown>

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonBody = (name: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
})
const jsonResponse = (description: string, name: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
})
const csvResponse = (description: string) => ({
  description,
  content: { 'text/csv': { schema: { type: 'string' } } },
})
const error = (description: string) => jsonResponse(description, 'Error')
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } })

function queryParams(schema: z.ZodObject): Json[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Json>
  }
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }))
}

function components(
  io: 'input' | 'output',
  schemas: Record<string, z.ZodType>,
): Record<string, Json> {
  const registry = z.registry<{ id: string }>()
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id })
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

const uploadBody = {
  required: true,
  description:
    'The CSV file: raw (text/csv, or whatever type a browser gives a .csv file) or multipart with the field `file`. Streamed, never buffered.',
  content: {
    'text/csv': { schema: { type: 'string' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary' }, dry_run: { type: 'string' } },
      },
    },
  },
}

const uploadResponses = {
  '202': jsonResponse('The file is in; the import runs (or finished)', 'ImportJob'),
  '400': error('No file, or not a CSV the importer can read'),
  '413': error('The upload exceeds the limit'),
  '415': error('Not a CSV file'),
}

const dryRun = {
  name: 'dry_run',
  in: 'query',
  required: false,
  schema: { type: 'string', enum: ['true', 'false'] },
  description: 'Report what would change, writing nothing',
}

/** The OpenAPI 3.1 document of every route, generated from the API's zod schemas. */
export function createOpenApiDocument(basePath: string): Json {
  const p = (path: string) => `${basePath}${path}`
  const auth = [{ bearer: [] }, { cookie: [] }]
  return {
    openapi: '3.1.0',
    info: {
      title: 'product-importer',
      version: '0.1.0',
      description: 'Import product catalogs from CSV, manage products and follow imports live.',
    },
    security: auth,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'product_importer_token' },
      },
      schemas: {
        ...components('input', {
          ProductInput: productCreateBodySchema,
          ProductPatch: productPatchBodySchema,
          ImportCreate: importCreateBodySchema,
          ProductBulk: productBulkBodySchema,
          Session: sessionBodySchema,
        }),
        ...components('output', {
          Product: productJsonSchema,
          ProductPage: productPageSchema,
          ImportJob: importJobJsonSchema,
          Upload: uploadJsonSchema,
          Error: errorBodySchema,
        }),
      },
    },
    paths: {
      [p('/healthz')]: {
        get: {
          summary: 'Liveness',
          security: [],
          responses: { '200': { description: 'The server is up' } },
        },
      },
      [p('/api/openapi.json')]: {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
      [p('/api/products/')]: {
        get: {
          summary: 'List products',
          parameters: queryParams(productListQuerySchema),
          responses: {
            '200': jsonResponse('A page of products', 'ProductPage'),
            '400': error('Bad query'),
          },
        },
        post: {
          summary: 'Create a product',
          requestBody: jsonBody('ProductInput'),
          responses: {
            '201': jsonResponse('Created', 'Product'),
            '400': error('Invalid product'),
            '409': error('SKU already taken'),
            '415': error('Body is not JSON'),
          },
        },
      },
      [p('/api/products/{id}/')]: {
        parameters: [idParam('id')],
        get: {
          summary: 'Get a product',
          responses: {
            '200': jsonResponse('The product', 'Product'),
            '404': error('No such product'),
          },
        },
        put: {
          summary: 'Replace a product (fields left out take their defaults)',
          requestBody: jsonBody('ProductInput'),
          responses: {
            '200': jsonResponse('Replaced', 'Product'),
            '400': error('Invalid product'),
            '404': error('No such product'),
            '409': error('SKU already taken'),
          },
        },
        patch: {
          summary: 'Change some fields of a product',
          requestBody: jsonBody('ProductPatch'),
          responses: {
            '200': jsonResponse('Changed', 'Product'),
            '400': error('Invalid fields'),
            '404': error('No such product'),
            '409': error('SKU already taken'),
          },
        },
        delete: {
          summary: 'Delete a product',
          responses: { '204': { description: 'Deleted' }, '404': error('No such product') },
        },
      },
      [p('/api/products/delete_all/')]: {
        delete: {
          summary: 'Delete every product',
          responses: {
            '200': {
              description: 'How many were deleted',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { deleted: { type: 'integer' } } },
                },
              },
            },
          },
        },
      },
      [p('/api/products/bulk/')]: {
        post: {
          summary: 'Delete, activate or deactivate products picked by ids or by filter',
          requestBody: jsonBody('ProductBulk'),
          responses: {
            '200': {
              description: 'How many were deleted (`deleted`) or changed (`changed`)',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { deleted: { type: 'integer' }, changed: { type: 'integer' } },
                  },
                },
              },
            },
            '400': error('Invalid selection'),
          },
        },
      },
      [p('/api/session/')]: {
        post: {
          summary: 'Sign in: exchange the token for an HttpOnly cookie (the web UI login)',
          security: [],
          requestBody: jsonBody('Session'),
          responses: {
            '200': { description: 'Signed in; the cookie is set' },
            '401': error('Invalid token'),
          },
        },
        delete: {
          summary: 'Sign out: remove the cookie',
          security: [],
          responses: { '200': { description: 'Signed out' } },
        },
      },
      [p('/api/products/export.csv')]: {
        get: {
          summary:
            'Export products as CSV (streamed; formula cells neutralized; re-imports losslessly)',
          parameters: queryParams(productFilterQuerySchema),
          responses: {
            '200': csvResponse(
              'sku,name,description,price,quantity,active,id,created_at,updated_at',
            ),
          },
        },
      },
      [p('/api/import/')]: {
        post: {
          summary:
            'Upload a CSV and import it; or, with a JSON body, create a pending job for PUT /api/import/{id}/file',
          parameters: [
            dryRun,
            { name: 'filename', in: 'query', required: false, schema: { type: 'string' } },
          ],
          requestBody: {
            ...uploadBody,
            content: { ...uploadBody.content, 'application/json': { schema: ref('ImportCreate') } },
          },
          responses: {
            ...uploadResponses,
            '201': jsonResponse('Pending job created (JSON body)', 'ImportJob'),
          },
        },
      },
      [p('/api/import/{id}/file')]: {
        parameters: [idParam('id')],
        put: {
          summary: 'Stream the file of a pending job',
          requestBody: uploadBody,
          responses: {
            ...uploadResponses,
            '404': error('No such job'),
            '409': error('The job is not pending'),
          },
        },
      },
      [p('/api/import/jobs/')]: {
        get: {
          summary: 'List import jobs, newest first',
          parameters: queryParams(jobListQuerySchema),
          responses: {
            '200': {
              description: 'Jobs',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { items: { type: 'array', items: ref('ImportJob') } },
                  },
                },
              },
            },
          },
        },
      },
      [p('/api/import/progress/{job_id}/')]: {
        parameters: [idParam('job_id')],
        get: {
          summary: 'Progress of a job (polling)',
          responses: { '200': jsonResponse('The job', 'ImportJob'), '404': error('No such job') },
        },
      },
      [p('/api/import/{id}/')]: {
        parameters: [idParam('id')],
        get: {
          summary: 'A job',
          responses: { '200': jsonResponse('The job', 'ImportJob'), '404': error('No such job') },
        },
      },
      [p('/api/import/{id}/events')]: {
        parameters: [idParam('id')],
        get: {
          summary:
            'Server-Sent Events: the current state first, `progress` on each change, then `completed`, `failed` or `cancelled`; data is an ImportJob',
          responses: {
            '200': {
              description: 'An event stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            '404': error('No such job'),
          },
        },
      },
      [p('/api/import/{id}/cancel')]: {
        parameters: [idParam('id')],
        post: {
          summary: 'Cancel a job (it stops between batches; whole batches only)',
          responses: {
            '202': jsonResponse('Cancellation asked', 'ImportJob'),
            '404': error('No such job'),
          },
        },
      },
      [p('/api/import/{id}/errors')]: {
        parameters: [idParam('id')],
        get: {
          summary:
            'Row errors of a job as JSON, a page at a time (line, sku, column, value, message)',
          parameters: queryParams(jobListQuerySchema),
          responses: {
            '200': { description: 'Row errors and their total' },
            '404': error('No such job'),
          },
        },
      },
      [p('/api/uploads/')]: {
        post: {
          summary:
            'Stage a CSV file on the server (streamed to disk) for previews, imports and retries: POST /api/import/ with {"upload_id"}',
          requestBody: {
            required: true,
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          parameters: [
            { name: 'filename', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '201': jsonResponse('Staged', 'Upload'),
            '413': error('The upload exceeds the limit'),
            '415': error('Not a CSV file'),
          },
        },
      },
      [p('/api/uploads/{id}/')]: {
        parameters: [idParam('id')],
        get: {
          summary: 'A staged upload',
          responses: {
            '200': jsonResponse('The upload', 'Upload'),
            '404': error('Unknown or expired'),
          },
        },
        delete: {
          summary: 'Remove a staged upload',
          responses: { '204': { description: 'Removed' }, '404': error('Unknown or expired') },
        },
      },
      [p('/api/import/{id}/errors.csv')]: {
        parameters: [idParam('id')],
        get: {
          summary: 'Row errors of a job',
          responses: { '200': csvResponse('line,sku,column,message'), '404': error('No such job') },
        },
      },
    },
  }
}
