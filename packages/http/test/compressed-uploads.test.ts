import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { type Json, SAMPLE_CSV, startServer } from './_server.js'

const gzipped = gzipSync(Buffer.from(SAMPLE_CSV))

describe('compressed uploads', () => {
  it('refuses Content-Encoding other than identity on every upload route with 415, naming it, and starts no job', async () => {
    const t = await startServer()
    const job = (await (
      await t.api('/api/import/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'later.csv' }),
      })
    ).json()) as Json
    for (const [method, path] of [
      ['POST', '/api/import/inspect'],
      ['POST', '/api/import/'],
      ['POST', '/api/uploads/?filename=p.csv'],
      ['PUT', `/api/import/${job.job_id}/file`],
    ] as const) {
      for (const encoding of ['gzip', 'br', 'deflate, gzip']) {
        const res = await t.api(path, {
          method,
          headers: { 'content-type': 'text/csv', 'content-encoding': encoding },
          body: gzipped,
        })
        const body = (await res.json()) as Json
        expect({ path, encoding, status: res.status, code: body.error.code }).toEqual({
          path,
          encoding,
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        })
        expect(body.error.message).toContain(`Content-Encoding: ${encoding}`)
        expect(body.error.details).toEqual({ content_encoding: encoding })
      }
    }
    // Only the job created above exists, still waiting for its file.
    const jobs = (await (await t.api('/api/import/jobs/')).json()) as Json
    expect(jobs.items.map((j: Json) => [j.job_id, j.status])).toEqual([[job.job_id, 'pending']])
    expect(await t.importer.products.count()).toBe(0)
  })

  it('refuses a compressed JSON body with 415 naming its encoding, instead of calling it invalid JSON', async () => {
    const t = await startServer()
    for (const [method, path] of [
      ['POST', '/api/products/'],
      ['POST', '/api/import/'],
      ['POST', '/api/webhooks/'],
    ] as const) {
      const res = await t.api(path, {
        method,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ sku: 'Z-1', name: 'Zipped' })),
      })
      const body = (await res.json()) as Json
      expect({ path, status: res.status, code: body.error.code }).toEqual({
        path,
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      })
      expect(body.error.details).toEqual({ content_encoding: 'gzip' })
    }
    expect(await t.importer.products.count()).toBe(0)
    expect(await t.importer.imports.list()).toEqual([])
  })

  it('takes Content-Encoding identity as uncompressed', async () => {
    const t = await startServer()
    const res = await t.api('/api/import/inspect', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'content-encoding': 'identity' },
      body: SAMPLE_CSV,
    })
    expect(res.status).toBe(200)
  })

  it('says a raw body that is a gzip file is gzip-compressed, on inspect and on import', async () => {
    const t = await startServer()
    const inspect = await t.api('/api/import/inspect', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: gzipped,
    })
    const inspected = (await inspect.json()) as Json
    expect({ status: inspect.status, code: inspected.error.code }).toEqual({
      status: 400,
      code: 'MALFORMED_CSV',
    })
    expect(inspected.error.message).toMatch(/gzip-compressed/)
    const upload = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: gzipped,
    })
    const imported = (await upload.json()) as Json
    expect(JSON.stringify(imported)).toMatch(/gzip-compressed/)
    expect(JSON.stringify(imported)).not.toMatch(/MISSING_SKU_COLUMN|INVALID_ENCODING/)
    expect(await t.importer.products.count()).toBe(0)
  })
})
