import { request } from 'node:http'
import { createServer } from 'node:net'
import { gzipSync } from 'node:zlib'
import { createOpenApiDocument } from '@product-importer/http'
import { pgStorage } from '@product-importer/storage-pg'
import { describe, expect, it } from 'vitest'
import { type CheckedResponse, createResponseChecker } from './_openapi-checker.js'
import {
  type Json,
  jsonInit,
  SAMPLE_CSV,
  startServer,
  type TestServer,
  waitForJob,
} from './_server.js'

const TOKEN = 'contract-token'

/** A port nothing listens on: one the system handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A request with headers fetch does not allow (`Host`). */
function rawRequest(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<CheckedResponse> {
  return new Promise((resolve, reject) => {
    const req = request(origin + path, { headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          contentType: (res.headers['content-type'] as string | undefined) ?? null,
          text,
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the server’s real answers against its OpenAPI document', () => {
  it('sends only statuses, media types and bodies the document declares, on every route', async () => {
    const doc = createOpenApiDocument() as Json
    const checker = createResponseChecker(doc)
    // Every response of this test goes through the checker.
    const call = async (t: TestServer, path: string, init: RequestInit = {}) => {
      const res = await t.api(path, init)
      const text = await res.text()
      checker.check(init.method ?? 'GET', t.origin + path, {
        status: res.status,
        contentType: res.headers.get('content-type'),
        text,
      })
      return { status: res.status, headers: res.headers, json: () => JSON.parse(text) as Json }
    }
    const csv = (method: string, body: BodyInit, headers: Record<string, string> = {}) => ({
      method,
      headers: { 'content-type': 'text/csv', ...headers },
      body,
    })

    const t = await startServer({}, { webhooks: { allowHosts: ['127.0.0.1'] } })
    for (const path of ['/healthz', '/readyz', '/api/openapi.json', '/', '/ui/app.js']) {
      await call(t, path)
    }
    await call(t, '/ui/app.css')

    // Products: every answer of the CRUD routes.
    const product = (
      await call(t, '/api/products/', jsonInit('POST', { sku: 'C-1', name: 'A' }))
    ).json() as Json
    await call(t, '/api/products/', jsonInit('POST', { sku: 'c-1', name: 'Again' })) // 409
    await call(t, '/api/products/', jsonInit('POST', { sku: 'C-2', nmae: 'typo' })) // 400
    await call(t, '/api/products/', { method: 'POST', body: 'sku=C-3' }) // 415
    await call(t, '/api/products/', jsonInit('POST', { sku: 'C-4', name: 'x'.repeat(2 << 20) }))
    await call(t, '/api/products/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    await call(t, '/api/products/?page_size=5&sort=name')
    await call(t, '/api/products/?nmae=lamp') // 400
    const got = await call(t, `/api/products/${product.id}/`)
    await call(t, `/api/products/${product.id}/`, {
      headers: { 'if-none-match': got.headers.get('etag')! },
    }) // 304
    await call(t, '/api/products/00000000-0000-4000-8000-000000000000/') // 404
    await call(t, `/api/products/${product.id}/`, jsonInit('PATCH', { price: '9.99' }))
    await call(
      t,
      `/api/products/${product.id}/`,
      jsonInit('PATCH', { price: '1' }, { 'if-match': '"old"' }),
    ) // 412
    await call(
      t,
      `/api/products/${product.id}/`,
      jsonInit('PUT', {
        sku: 'C-1',
        name: 'B',
        description: '',
        price: '2.00',
        quantity: 1,
        active: true,
      }),
    )
    await call(t, `/api/products/${product.id}/`, jsonInit('PUT', { sku: 'C-1' })) // 400
    await call(
      t,
      '/api/products/bulk/',
      jsonInit('POST', { action: 'deactivate', ids: [product.id] }),
    )
    await call(t, '/api/products/bulk/', jsonInit('POST', { action: 'delete', filter: {} })) // 400
    await call(t, '/api/products/export.csv')
    await call(t, `/api/products/${product.id}/`, { method: 'DELETE' })
    await call(t, `/api/products/${product.id}/`, { method: 'DELETE' }) // 404

    // Imports: uploads, the two-step flow, inspection, progress, events, errors.
    const upload = (await call(t, '/api/import/', csv('POST', `${SAMPLE_CSV}BAD,,x,1\n`))).json()
    await waitForJob(t, upload.job_id)
    await call(t, '/api/import/', csv('POST', 'name,price\nLamp,1\n')) // 400 no sku column
    await call(t, '/api/import/', csv('POST', gzipSync(SAMPLE_CSV), { 'content-encoding': 'gzip' }))
    await call(t, '/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'x',
    })
    const pending = (
      await call(t, '/api/import/', jsonInit('POST', { filename: 'two.csv' }))
    ).json()
    await call(t, `/api/import/${pending.job_id}/file`, csv('PUT', SAMPLE_CSV))
    await call(t, `/api/import/${pending.job_id}/file`, csv('PUT', SAMPLE_CSV)) // 409
    await waitForJob(t, pending.job_id)
    await call(t, '/api/import/inspect?rows=2', csv('POST', SAMPLE_CSV))
    await call(t, '/api/import/inspect', csv('POST', 'name\nLamp\n')) // 400
    await call(t, '/api/import/jobs/?limit=5')
    await call(t, `/api/import/progress/${upload.job_id}/`)
    await call(t, `/api/import/${upload.job_id}/`)
    await call(t, `/api/import/${upload.job_id}/events`)
    await call(t, `/api/import/${upload.job_id}/cancel`, { method: 'POST' }) // 409
    await call(t, `/api/import/${upload.job_id}/resume`, { method: 'POST' }) // 409
    await call(t, `/api/import/${upload.job_id}/errors`)
    await call(t, `/api/import/${upload.job_id}/errors.csv`)
    await call(t, '/api/import/00000000-0000-4000-8000-000000000000/') // 404

    // Staged uploads.
    const staged = (await call(t, '/api/uploads/?filename=s.csv', csv('POST', SAMPLE_CSV))).json()
    await call(t, '/api/uploads/')
    await call(t, `/api/uploads/${staged.upload_id}/`)
    await call(t, `/api/uploads/${staged.upload_id}/inspect?rows=1`, { method: 'POST' })
    await call(t, `/api/uploads/${staged.upload_id}/`, { method: 'DELETE' })
    await call(t, `/api/uploads/${staged.upload_id}/`) // 404
    await call(
      t,
      '/api/uploads/?filename=s.xlsx',
      csv('POST', 'x', { 'content-type': 'application/vnd.ms-excel' }),
    ) // 415

    // Remembered mappings.
    const mapping = await t.importer.mappings.save(['Item No', 'Title'], { sku: 'Item No' })
    await call(t, '/api/mappings/')
    await call(t, `/api/mappings/${mapping.signature}/`)
    await call(t, `/api/mappings/${mapping.signature}/`, { method: 'DELETE' })
    await call(t, `/api/mappings/${mapping.signature}/`) // 404

    // Webhooks.
    const hook = (
      await call(t, '/api/webhooks/', jsonInit('POST', { url: 'http://127.0.0.1:9/h' }))
    ).json()
    await call(t, '/api/webhooks/', jsonInit('POST', { url: 'ftp://x' })) // 400
    await call(t, '/api/webhooks/')
    await call(t, `/api/webhooks/${hook.id}/`)
    await call(t, `/api/webhooks/${hook.id}/`, jsonInit('PATCH', { enabled: false }))
    await call(t, `/api/webhooks/${hook.id}/`, jsonInit('PUT', { url: 'http://127.0.0.1:9/h' })) // 400
    const test = (await call(t, `/api/webhooks/${hook.id}/test/`, { method: 'POST' })).json()
    await call(t, `/api/webhooks/${hook.id}/logs/`)
    await call(t, `/api/webhooks/${hook.id}/deliveries/`)
    await call(t, `/api/webhooks/${hook.id}/deliveries/${test.delivery_id}/redeliver`, {
      method: 'POST',
    })
    await call(
      t,
      `/api/webhooks/${hook.id}/recover`,
      jsonInit('POST', { since: new Date(0).toISOString() }),
    )
    await call(t, `/api/webhooks/${hook.id}/rotate-secret`, jsonInit('POST', {}))
    await call(t, `/api/webhooks/${hook.id}/secret`)
    await call(t, `/api/webhooks/${hook.id}/`, { method: 'DELETE' })
    await call(t, `/api/webhooks/${hook.id}/`) // 404

    // Sessions, and writes from another site.
    await call(t, '/api/session/', { method: 'DELETE' })
    await call(t, '/api/products/delete_all/', {
      method: 'DELETE',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    }) // 403 CSRF_REJECTED
    await call(t, '/api/products/delete_all/', { method: 'DELETE' })
    await call(t, '/api/products/delete_all/?sku=x', { method: 'DELETE' }) // 400
    // A foreign Host header, which fetch cannot send.
    checker.check(
      'GET',
      `${t.origin}/api/products/`,
      await rawRequest(t.origin, '/api/products/', { host: 'rebind.example' }),
    ) // 403 HOST_NOT_ALLOWED

    // With a token: 401 without it, the session routes.
    const locked = await startServer({ auth: { token: TOKEN } })
    await call(locked, '/api/products/') // 401
    await call(locked, '/api/products/', { headers: { authorization: `Bearer ${TOKEN}` } })
    await call(locked, '/api/session/', jsonInit('POST', { token: 'wrong' })) // 401
    await call(locked, '/api/session/', jsonInit('POST', { token: TOKEN }))

    // A database that cannot be reached: 503 with Retry-After; readiness says so.
    const port = await closedPort()
    const down = await startServer(
      {},
      { storage: pgStorage({ connectionString: `postgres://postgres@127.0.0.1:${port}/none` }) },
    )
    await call(down, '/api/products/') // 503
    await call(down, '/readyz') // 503

    // A storage that fails: 500 with a message that hides internals.
    const broken = await startServer()
    await broken.importer.close()
    await call(broken, '/api/products/') // 500

    expect(checker.problems).toEqual([])
    // The traffic above reached every declared shared error but 507 (see full-disk.test.ts).
    const statuses = new Set([...checker.seen].map((entry) => entry.split(' ').pop()))
    for (const status of [
      '200',
      '201',
      '202',
      '204',
      '304',
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '413',
      '415',
      '500',
      '503',
    ]) {
      expect({ status, seen: statuses.has(status) }).toEqual({ status, seen: true })
    }
    // Every operation of the document answered at least once.
    const operations = new Set(
      [...checker.seen].map((entry) => entry.split(' ').slice(0, 2).join(' ')),
    )
    const declared = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => key !== 'parameters')
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(declared.filter((operation) => !operations.has(operation))).toEqual([])
  })
})

describe('the response checker', () => {
  it('refuses a status, a media type or a body the document does not declare', () => {
    const checker = createResponseChecker(createOpenApiDocument() as Json)
    const json = (body: unknown) => ({
      contentType: 'application/json; charset=utf-8',
      text: JSON.stringify(body),
    })
    const origin = 'http://127.0.0.1:1'
    checker.check('GET', `${origin}/api/products/`, { status: 418, ...json({}) })
    checker.check('GET', `${origin}/api/products/`, { status: 200, ...json({ items: 'none' }) })
    checker.check('GET', `${origin}/api/products/`, {
      status: 200,
      contentType: 'text/html',
      text: '<p>',
    })
    // An error code the status is not sent with.
    checker.check('GET', `${origin}/api/products/`, {
      status: 503,
      ...json({ error: { code: 'SKU_TAKEN', message: 'x', details: null } }),
    })
    checker.check('DELETE', `${origin}/api/products/0/`, { status: 204, ...json({}) })
    checker.check('GET', `${origin}/api/nowhere/`, { status: 200, ...json({}) })
    expect(
      checker.problems.map((p) => `${p.request} ${p.status}: ${p.problem.split(' ')[0]}`),
    ).toEqual([
      'GET /api/products/ 418: status',
      'GET /api/products/ 200: /',
      'GET /api/products/ 200: media',
      'GET /api/products/ 503: /error/code',
      'DELETE /api/products/0/ 204: a',
      'GET /api/nowhere/ 200: no',
    ])
  })
})
