import { request } from 'node:http'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { Json } from './_server.js'
import {
  generatedCsv,
  jsonInit,
  SAMPLE_CSV,
  startServer,
  type TestServer,
  waitForJob,
} from './_server.js'

const multipart = (
  content: string,
  filename = 'products.csv',
  type = 'text/csv',
  field = 'file',
) => {
  const form = new FormData()
  form.append(field, new Blob([content], { type }), filename)
  return form
}

async function jobs(t: TestServer): Promise<Json[]> {
  return ((await (await t.api('/api/import/jobs/')).json()) as Json).items
}

describe('imports over HTTP', () => {
  it('imports a multipart upload and answers 202 with the job and its URLs', async () => {
    const t = await startServer()
    const res = await t.api('/api/import/', {
      method: 'POST',
      body: multipart(SAMPLE_CSV, 'sample_products.csv'),
    })
    expect(res.status).toBe(202)
    const job = (await res.json()) as Json
    expect(job).toMatchObject({
      filename: 'sample_products.csv',
      progress_url: `/api/import/progress/${job.job_id}/`,
      events_url: `/api/import/${job.job_id}/events`,
    })
    const done = await waitForJob(t, job.job_id)
    expect(done).toMatchObject({ status: 'completed', rows: 2, created: 2, invalid: 0 })
    const products = ((await (await t.api('/api/products/')).json()) as Json).items
    expect(products.map((p: Json) => [p.sku, p.price, p.quantity]).sort()).toEqual([
      ['SKU001', '79.99', 150],
      ['SKU002', '12.99', 500],
    ])
  })

  it('takes a raw body under every type a browser gives a .csv file', async () => {
    const t = await startServer()
    const cases: [string, string][] = [
      ['text/csv', ''],
      ['application/vnd.ms-excel', ''],
      ['text/plain; charset=utf-8', ''],
      ['application/octet-stream', '?filename=products.csv'],
    ]
    for (const [type, query] of cases) {
      const res = await t.api(`/api/import/${query}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: SAMPLE_CSV,
      })
      expect(res.status, type).toBe(202)
      expect((await waitForJob(t, ((await res.json()) as Json).job_id)).status).toBe('completed')
    }
    expect((await jobs(t)).map((j) => j.filename)).toContain('products.csv')
  })

  it('answers 415 for a file that is not CSV and 400 when the file is missing or unreadable', async () => {
    const t = await startServer()
    const png = await t.api('/api/import/', {
      method: 'POST',
      body: multipart('\x89PNG....', 'photo.png', 'image/png'),
    })
    expect(png.status).toBe(415)
    expect(((await png.json()) as Json).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    const xlsx = await t.api('/api/import/?filename=book.xlsx', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'PK\x03\x04',
    })
    expect(xlsx.status).toBe(415)
    const json = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'x',
    })
    expect(json.status).toBe(415)

    const missing = await t.api('/api/import/', {
      method: 'POST',
      body: multipart('sku,name\n', 'x.csv', 'text/csv', 'other'),
    })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as Json).error.code).toBe('FILE_REQUIRED')

    const noSku = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'name,price\nLamp,1\n',
    })
    expect(noSku.status).toBe(400)
    const body = (await noSku.json()) as Json
    expect(body.error.code).toBe('MISSING_SKU_COLUMN')
    expect(body.error.details.job.status).toBe('failed')
    expect(await jobs(t)).toHaveLength(1) // the refused uploads created no job
  })

  it('enforces the upload limit while streaming (413) and leaves the job failed', async () => {
    const t = await startServer({ maxUploadBytes: 64 * 1024 })
    const declared = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'content-length': String(200 * 1024) },
      body: 'x'.repeat(200 * 1024),
    })
    expect(declared.status).toBe(413)
    expect(await jobs(t)).toHaveLength(0)

    // Chunked, so the size is only known while reading.
    const streamed = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: Readable.toWeb(Readable.from(generatedCsv(5000, 200))) as ReadableStream,
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    const error = ((await streamed.json()) as Json).error
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    const job = await waitForJob(t, error.details.job_id)
    expect(job.status).toBe('failed')
    expect(job.error.message).toContain('exceeds the limit')
    // Whole batches only: every product written is complete.
    const products = ((await (await t.api('/api/products/?page_size=100')).json()) as Json).items
    for (const p of products) expect(p.name).toMatch(/^Product \d+$/)
  })

  it('enforces the upload limit on a streamed multipart body too', async () => {
    const t = await startServer({ maxUploadBytes: 64 * 1024 })
    async function* multipartBody() {
      const encoder = new TextEncoder()
      yield encoder.encode(
        '--XBOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n',
      )
      yield* generatedCsv(5000, 200)
      yield encoder.encode('\r\n--XBOUNDARY--\r\n')
    }
    const res = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XBOUNDARY' },
      body: Readable.toWeb(Readable.from(multipartBody())) as ReadableStream,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    const error = ((await res.json()) as Json).error
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    expect((await waitForJob(t, error.details.job_id)).status).toBe('failed')
  })

  it('leaves a failed job when the client disconnects mid-upload', async () => {
    const t = await startServer()
    const { port } = new URL(t.origin)
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/import/',
      headers: { 'content-type': 'text/csv' },
    })
    req.on('error', () => {})
    const chunks = generatedCsv(1_000_000, 1000)
    for (let i = 0; i < 30; i++) req.write((await chunks.next()).value)
    // Wait until the server has started the job, then vanish.
    let job: Json | undefined
    for (let i = 0; i < 200 && !job; i++) {
      job = (await jobs(t))[0]
      if (!job) await new Promise((r) => setTimeout(r, 20))
    }
    expect(job).toBeDefined()
    req.destroy()
    const done = await waitForJob(t, job!.job_id)
    expect(done.status).toBe('failed')
    expect(done.error.message).toContain('the upload broke off')
  })

  it('runs the two-step browser flow: a pending job, then the file by PUT', async () => {
    const t = await startServer()
    const created = await t.api(
      '/api/import/',
      jsonInit('POST', { filename: 'two-step.csv', size: SAMPLE_CSV.length }),
    )
    expect(created.status).toBe(201)
    const job = (await created.json()) as Json
    expect(job).toMatchObject({
      status: 'pending',
      phase: 'waiting',
      filename: 'two-step.csv',
      bytes_total: SAMPLE_CSV.length,
    })
    const upload = await t.api(job.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    expect(upload.status).toBe(202)
    expect((await upload.json()).job_id).toBe(job.job_id)
    expect(await waitForJob(t, job.job_id)).toMatchObject({
      status: 'completed',
      created: 2,
      progress: 100,
    })

    const again = await t.api(job.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    expect(again.status).toBe(409)
    expect(((await again.json()) as Json).error.code).toBe('JOB_FINISHED')
    const none = await t.api('/api/import/00000000-0000-4000-8000-000000000000/file', {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'x',
    })
    expect(none.status).toBe(404)
  })

  it('accepts dry_run and writes nothing', async () => {
    const t = await startServer()
    const res = await t.api('/api/import/?dry_run=true', {
      method: 'POST',
      body: multipart(SAMPLE_CSV),
    })
    expect(res.status).toBe(202)
    const job = await waitForJob(t, ((await res.json()) as Json).job_id)
    expect(job).toMatchObject({ status: 'completed', dry_run: true, created: 2 })
    expect(((await (await t.api('/api/products/')).json()) as Json).total).toBe(0)
  })

  it('reports row errors as CSV and lists jobs newest first', async () => {
    const t = await startServer()
    const csv = 'sku,name,price\nA-1,Lamp,1\n=B-2,Mug,"not, a price"\nC-3,,2\n'
    const res = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })
    const job = await waitForJob(t, ((await res.json()) as Json).job_id)
    expect(job).toMatchObject({ status: 'completed', created: 1, invalid: 2 })
    const report = await t.api(`/api/import/${job.job_id}/errors.csv`)
    expect(report.status).toBe(200)
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/)
    const lines = (await report.text()).trim().split('\r\n')
    expect(lines[0]).toBe('line,sku,column,message')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatch(/^3,'=B-2,price,/)
    expect(lines[2]).toMatch(/^4,C-3,name,/)
    expect(
      (await t.api('/api/import/00000000-0000-4000-8000-000000000000/errors.csv')).status,
    ).toBe(404)

    await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    const list = await jobs(t)
    expect(list).toHaveLength(2)
    expect(list[1]?.job_id).toBe(job.job_id)
    expect(((await (await t.api('/api/import/jobs?limit=1')).json()) as Json).items).toHaveLength(1)
    expect((await t.api(`/api/import/${job.job_id}/`)).status).toBe(200)
    expect((await t.api('/api/import/progress/00000000-0000-4000-8000-000000000000/')).status).toBe(
      404,
    )
  })

  it('cancels a running import between batches', async () => {
    const t = await startServer({ importOptions: { batchSize: 500 } })
    const created = (await (
      await t.api('/api/import/', jsonInit('POST', { filename: 'big.csv' }))
    ).json()) as Json
    // Feed the file slowly so the import is still running when cancel arrives.
    async function* slow() {
      for await (const chunk of generatedCsv(200_000, 1000)) {
        yield chunk
        await new Promise((r) => setTimeout(r, 5))
      }
    }
    const upload = t
      .api(created.upload_url, {
        method: 'PUT',
        headers: { 'content-type': 'text/csv' },
        body: Readable.toWeb(Readable.from(slow())) as ReadableStream,
        duplex: 'half',
      } as RequestInit)
      .catch((error: unknown) => error)
    for (let i = 0; i < 400; i++) {
      const job = (await (await t.api(created.progress_url)).json()) as Json
      if (job.rows > 0) break
      await new Promise((r) => setTimeout(r, 25))
    }
    const second = await t.api(created.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'sku,name\nX,Y\n',
    })
    expect(second.status).toBe(409)
    const cancel = await t.api(`/api/import/${created.job_id}/cancel`, { method: 'POST' })
    expect(cancel.status).toBe(202)
    expect(((await cancel.json()) as Json).cancel_requested).toBe(true)
    const done = await waitForJob(t, created.job_id)
    expect(done.status).toBe('cancelled')
    expect(done.rows % 500).toBe(0)
    const total = ((await (await t.api('/api/products/')).json()) as Json).total
    expect(total).toBe(done.created)
    await upload
    expect(
      (await t.api('/api/import/00000000-0000-4000-8000-000000000000/cancel', { method: 'POST' }))
        .status,
    ).toBe(404)
  })
})
