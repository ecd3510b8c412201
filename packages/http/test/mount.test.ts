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
