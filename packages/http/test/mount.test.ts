import { describe, expect, it } from 'vitest'
import type { Json } from './_server.js'
import { jsonInit, SAMPLE_CSV, startServer, waitForJob } from './_server.js'

describe('mounted under a base path', () => {
  it('serves every route under the prefix and links with it', async () => {
    const t = await startServer({ basePath: '/admin/products' })
    const base = '/admin/products'
    expect((await t.api(`${base}/healthz`)).status).toBe(200)
    const created = await t.api(`${base}/api/products/`, jsonInit('POST', { sku: 'A', name: 'A' }))
    expect(created.status).toBe(201)
    const product = (await created.json()) as Json
    expect(created.headers.get('location')).toBe(`${base}/api/products/${product.id}/`)
    expect((await t.api(`${base}/api/products/${product.id}`)).status).toBe(200)

    const upload = await t.api(`${base}/api/import/`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    expect(upload.status).toBe(202)
    const job = (await upload.json()) as Json
    expect(job.progress_url).toBe(`${base}/api/import/progress/${job.job_id}/`)
    expect(job.events_url).toBe(`${base}/api/import/${job.job_id}/events`)
    expect((await waitForJob({ ...t, api: t.api }, job.job_id)).status).toBe('completed')
    expect((await t.api(job.progress_url)).status).toBe(200)

    const doc = (await (await t.api(`${base}/api/openapi.json`)).json()) as Json
    expect(Object.keys(doc.paths)).toContain(`${base}/api/products/`)
  })
})

describe('mounted in Express after a body parser', () => {
  it('says the body was already read instead of failing obscurely', async () => {
    const { default: express } = await import('express')
    const { createImporterApp, toNodeHandler } = await import('@product-importer/http')
    const { createProductImporter } = await import('@product-importer/core')
    const { sqliteStorage } = await import('@product-importer/storage-sqlite')
    const importer = createProductImporter({ storage: sqliteStorage({ filename: ':memory:' }) })
    const app = express()
    app.use(express.json())
    app.use(
      '/p',
      toNodeHandler(createImporterApp(importer, { basePath: '/p', onUnexpectedError: () => {} })),
    )
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as { port: number }
      const res = await fetch(
        `http://127.0.0.1:${port}/p/api/products/`,
        jsonInit('POST', { sku: 'A', name: 'A' }),
      )
      expect(res.status).toBe(500)
      const body = (await res.json()) as Json
      expect(body.error.code).toBe('BODY_CONSUMED')
      expect(body.error.message).toContain('express.json()')
    } finally {
      server.closeAllConnections()
      server.close()
      await importer.close()
    }
  })
})
