import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createProductImporter, EXPORT_COLUMNS } from '@product-importer/core'
import { createImporterApp, createOpenApiDocument } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import type { H3 } from 'h3'
import { describe, expect, it } from 'vitest'
import { type Json, jsonInit, SAMPLE_CSV, startServer, waitForJob } from './_server.js'

const METHODS = ['get', 'put', 'post', 'patch', 'delete']

/** `GET /api/products/{id}` for every operation of a document, trailing slashes dropped. */
function operationsOf(doc: Json): string[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path.replace(/(.)\/$/, '$1')}`),
  )
}

describe('the OpenAPI document', () => {
  it('documents every route the app registers', async () => {
    const importer = createProductImporter({ storage: sqliteStorage({ filename: ':memory:' }) })
    const app = (createImporterApp(importer) as unknown as Record<symbol, H3>)[
      Symbol.for('product-importer.h3-app')
    ]!
    const registered = app['~routes']
      .filter((route) => route.method && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.route!.replace(/:(\w+)/g, '{$1}')}`)
    expect(registered.length).toBeGreaterThan(10)
    expect(new Set(operationsOf(createOpenApiDocument()))).toEqual(new Set(registered))
    await importer.close()
  })

  it('closes every JSON request body to keys it does not declare, as the server does', () => {
    const doc = createOpenApiDocument()
    const open: string[] = []
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of METHODS) {
        const schema = item[method]?.requestBody?.content?.['application/json']?.schema
        if (!schema) continue
        const resolved = schema.$ref
          ? (doc.components as Json).schemas[schema.$ref.split('/').pop()]
          : schema
        if (resolved.additionalProperties !== false) open.push(`${method} ${path}`)
      }
    }
    expect(open).toEqual([])
  })

  it('lists only paths that answer, each with a method the server accepts', async () => {
    const t = await startServer({}, { webhooks: { allowHosts: ['127.0.0.1'] } })
    const doc = (await (await t.api('/api/openapi.json')).json()) as Json
    const upload = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    const jobId = ((await upload.json()) as Json).job_id as string
    await waitForJob(t, jobId)
    let n = 0
    for (const operation of operationsOf(doc)) {
      const [method, template] = operation.split(' ') as [string, string]
      // A fresh product for each operation, since one of them deletes it.
      const product = (await (
        await t.api('/api/products/', jsonInit('POST', { sku: `DOC-${n++}`, name: 'Doc' }))
      ).json()) as Json
      // Each staged-upload operation gets a fresh upload, since one of them removes it.
      const upload = template.startsWith('/api/uploads/{id}')
        ? ((await (
            await t.api('/api/uploads/?filename=doc.csv', {
              method: 'POST',
              headers: { 'content-type': 'text/csv' },
              body: SAMPLE_CSV,
            })
          ).json()) as Json)
        : undefined
      // A fresh remembered mapping for each mapping operation, since one of them deletes it.
      const mapping = template.includes('{signature}')
        ? await t.importer.mappings.save(['Item No'], { sku: 'Item No' })
        : undefined
      // Each webhook operation gets a fresh endpoint with one delivery, since one deletes it.
      const hook = template.startsWith('/api/webhooks/{id}')
        ? ((await (
            await t.api('/api/webhooks/', jsonInit('POST', { url: 'http://127.0.0.1:9/doc' }))
          ).json()) as Json)
        : undefined
      const delivery = hook
        ? ((await (
            await t.api(`/api/webhooks/${hook.id}/test/`, { method: 'POST' })
          ).json()) as Json)
        : undefined
      const path = template
        .replace('{signature}', mapping?.signature ?? '')
        .replace('/api/webhooks/{id}', `/api/webhooks/${hook?.id}`)
        .replace('{delivery_id}', delivery?.delivery_id)
        .replace('/api/uploads/{id}', `/api/uploads/${upload?.upload_id}`)
        .replace('{job_id}', jobId)
        .replace(/\/api\/import\/\{id\}/, `/api/import/${jobId}`)
        .replace('{id}', product.id)
      const init =
        method === 'GET' || method === 'DELETE'
          ? { method }
          : path.startsWith('/api/import/')
            ? jsonInit(method, { filename: 'doc.csv' })
            : path.startsWith('/api/webhooks/')
              ? jsonInit(method, { url: 'http://127.0.0.1:9/doc', since: new Date().toISOString() })
              : jsonInit(method, { sku: `DOC-${n++}`, name: 'Doc' })
      const res = await t.api(path, init)
      await res.body?.cancel()
      expect({ operation, status: res.status }).toEqual({
        operation,
        status: expect.toSatisfy((s: number) => s !== 404 && s !== 405 && s < 500),
      })
    }
  })

  it('describes the export as the columns it writes', () => {
    const doc = createOpenApiDocument() as Json
    const description = doc.paths['/api/products/export.csv'].get.responses['200'].description
    expect(description).toContain(EXPORT_COLUMNS.join(','))
    expect(description).not.toContain('created_at')
  })

  it('names the cookie the app reads, and declares the Bearer scheme with or without a token', async () => {
    const t = await startServer({ auth: { token: 'secret', cookieName: 'shop_session' } })
    const doc = (await (await t.api('/api/openapi.json')).json()) as Json
    expect(doc.components.securitySchemes.cookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'shop_session',
    })
    expect(doc.security).toEqual([{ bearer: [] }, { cookie: [] }])
    const open = createOpenApiDocument() as Json
    expect(Object.keys(open.components.securitySchemes)).toEqual(['bearer'])
    expect(open.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    // Without a token anyone is answered; a Bearer header is not needed.
    expect(open.security).toEqual([{}, { bearer: [] }])
    expect(open.paths['/healthz'].get.security).toEqual([])
  })

  it('declares 503 DATABASE_UNAVAILABLE with Retry-After once, on every route that uses the database', () => {
    const doc = createOpenApiDocument() as Json
    expect(doc.components.responses.DatabaseUnavailable.headers['Retry-After']).toBeDefined()
    const unavailable = (path: string, method: string) =>
      doc.paths[path][method].responses['503']?.$ref ===
      '#/components/responses/DatabaseUnavailable'
    for (const [path, method] of [
      ['/api/products/', 'get'],
      ['/api/products/{id}/', 'patch'],
      ['/api/import/', 'post'],
      ['/api/import/jobs/', 'get'],
      ['/api/uploads/', 'post'],
      ['/api/mappings/', 'get'],
      ['/api/webhooks/', 'post'],
    ] as const) {
      expect({ path, method, unavailable: unavailable(path, method) }).toEqual({
        path,
        method,
        unavailable: true,
      })
    }
    expect(doc.paths['/healthz'].get.responses['503']).toBeUndefined()
    expect(doc.paths['/api/openapi.json'].get.responses['503']).toBeUndefined()
    // Readiness answers its own body when the database is down, not an error.
    expect(doc.paths['/readyz'].get.responses['503'].content['application/json'].schema).toEqual(
      expect.objectContaining({ properties: { status: { type: 'string', const: 'unavailable' } } }),
    )
  })

  it('has every path in the README', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8')
    for (const path of Object.keys((createOpenApiDocument() as Json).paths)) {
      expect({ path, inReadme: readme.includes(path) }).toEqual({ path, inReadme: true })
    }
  })

  it('prefixes every path with the base path', () => {
    const doc = createOpenApiDocument({ basePath: '/admin/' }) as Json
    for (const path of Object.keys(doc.paths)) expect(path.startsWith('/admin/')).toBe(true)
  })
})
