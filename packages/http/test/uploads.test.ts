import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  generatedCsv,
  type Json,
  jsonInit,
  SAMPLE_CSV,
  startServer,
  tempDir,
  waitForJob,
} from './_server.js'

const csv = (body: BodyInit, filename = 'catalog.csv'): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'text/csv',
    'content-disposition': `attachment; filename="${filename}"`,
  },
  body,
})

describe('staged uploads', () => {
  it('stages a file once, previews it as a dry run, imports it, then removes it', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir } })
    await t.importer.products.create({
      sku: 'SKU001',
      name: 'Wireless Headphones',
      description: 'High-quality Bluetooth',
      price: '79.99',
      quantity: 150,
    })
    const staged = await t.api('/api/uploads/', csv(`${SAMPLE_CSV}SKU003,,no name,1,1\n`))
    expect(staged.status).toBe(201)
    const upload = (await staged.json()) as Json
    expect(upload).toMatchObject({
      filename: 'catalog.csv',
      size: SAMPLE_CSV.length + 'SKU003,,no name,1,1\n'.length,
    })
    expect(staged.headers.get('location')).toBe(`/api/uploads/${upload.upload_id}/`)
    expect(readFileSync(join(dir, `${upload.upload_id}.csv`), 'utf8')).toContain('SKU002')

    // Preview: a dry run of the staged file, with its rejected rows as JSON.
    const dry = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id, dry_run: true }))
    ).json()) as Json
    expect(dry).toMatchObject({
      dry_run: true,
      upload_id: upload.upload_id,
      bytes_total: upload.size,
    })
    const preview = await waitForJob(t, dry.job_id)
    expect(preview).toMatchObject({ status: 'completed', created: 1, unchanged: 1, invalid: 1 })
    const errors = (await (await t.api(`/api/import/${dry.job_id}/errors?limit=5`)).json()) as Json
    expect(errors.total).toBe(1)
    expect(errors.items[0]).toMatchObject({ line: 4, sku: 'SKU003', column: 'name' })
    expect(await t.importer.products.count()).toBe(1)
    expect(existsSync(join(dir, `${upload.upload_id}.csv`))).toBe(true)

    // The real import reads the same staged file, then the file goes.
    const real = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id }))
    ).json()) as Json
    expect((await waitForJob(t, real.job_id)).status).toBe('completed')
    expect(await t.importer.products.count()).toBe(2)
    for (let i = 0; i < 100 && existsSync(join(dir, `${upload.upload_id}.csv`)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(readdirSync(dir)).toEqual([])
    const again = await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id }))
    expect(again.status).toBe(404)
    expect(((await again.json()) as Json).error.code).toBe('NOT_FOUND')
  })

  it('shows in the dry-run job what each update would change, and nothing on the import job', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    await t.importer.products.create({ sku: 'SKU001', name: 'Headphones', price: '79.99' })
    const upload = (await (
      await t.api(
        '/api/uploads/',
        csv('sku,name,price\nsku001,Wireless Headphones,74.5\nNEW-1,Lamp,1\n'),
      )
    ).json()) as Json
    const dry = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id, dry_run: true }))
    ).json()) as Json
    expect(dry.change_samples).toBeNull()
    const preview = await waitForJob(t, dry.job_id)
    expect(preview).toMatchObject({ status: 'completed', created: 1, updated: 1 })
    expect(preview.change_samples).toEqual([
      {
        line: 2,
        sku: 'SKU001',
        changes: [
          { field: 'name', before: 'Headphones', after: 'Wireless Headphones' },
          { field: 'price', before: '79.99', after: '74.50' },
        ],
      },
    ])
    const real = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id }))
    ).json()) as Json
    const done = await waitForJob(t, real.job_id)
    expect(done).toMatchObject({ status: 'completed', updated: 1, change_samples: null })
    expect((await t.importer.products.getBySku('SKU001'))?.price).toBe('74.50')
  })

  it('keeps the file of a failed import so it can be imported again', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir } })
    const upload = (await (
      await t.api('/api/uploads/', csv('name,price\nLamp,1\n'))
    ).json()) as Json
    const job = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id }))
    ).json()) as Json
    expect((await waitForJob(t, job.job_id)).status).toBe('failed')
    expect((await t.api(`/api/uploads/${upload.upload_id}/`)).status).toBe(200)
    const retry = await t.api('/api/import/', jsonInit('POST', { upload_id: upload.upload_id }))
    expect(retry.status).toBe(202)
    // Ended before the test removes the staged folder, so the retry never reads a removed file.
    expect((await waitForJob(t, ((await retry.json()) as Json).job_id)).status).toBe('failed')
  })

  it('streams a large upload to disk and refuses one over the limit, leaving no file', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir }, maxUploadBytes: 200_000 })
    const big = await t.api('/api/uploads/', {
      ...csv(Readable.toWeb(Readable.from(generatedCsv(5000))) as ReadableStream),
      duplex: 'half',
    } as RequestInit)
    expect(big.status).toBe(413)
    expect(((await big.json()) as Json).error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(readdirSync(dir)).toEqual([])
    // Declared too large: refused before a byte is read.
    const declared = await t.api('/api/uploads/', csv('x'.repeat(300_000)))
    expect(declared.status).toBe(413)
    expect(readdirSync(dir)).toEqual([])
  })

  it('refuses what is not a CSV file, and unknown upload ids', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const image = await t.api('/api/uploads/?filename=cat.png', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'x',
    })
    expect(image.status).toBe(415)
    const unknown = await t.api(
      '/api/import/',
      jsonInit('POST', { upload_id: '00000000-0000-4000-8000-000000000000' }),
    )
    expect(unknown.status).toBe(404)
    const malformed = await t.api('/api/import/', jsonInit('POST', { upload_id: 'nope' }))
    expect(malformed.status).toBe(400)
  })

  it('says what a file that is not CSV is, whatever media type the browser gave it', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const refusal = async (filename: string, type: string) => {
      const res = await t.api(`/api/uploads/?filename=${encodeURIComponent(filename)}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'PK\x03\x04',
      })
      expect(res.status).toBe(415)
      const { error } = (await res.json()) as Json
      expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      return error.message as string
    }
    // The UI sends every file as text/csv: the message must not repeat that back.
    expect(await refusal('products.xlsx', 'text/csv')).toBe(
      'products.xlsx is an Excel workbook; save it as CSV first',
    )
    expect(await refusal('photo.png', 'text/csv')).toBe(
      'photo.png is an image, not a CSV file; send a .csv, .tsv or .txt file',
    )
    expect(await refusal('notes.docx', 'application/octet-stream')).toBe(
      'notes.docx is not a CSV file (.docx); send a .csv, .tsv or .txt file',
    )
    expect(await refusal('catalog.csv', 'multipart/form-data')).toBe(
      'Send catalog.csv as the raw body (text/csv), not as multipart/form-data',
    )
    const noName = await t.api('/api/uploads/', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'x',
    })
    expect(((await noName.json()) as Json).error.message).toBe(
      'The upload is image/png, not CSV; send text/csv or a .csv file',
    )
    expect(((await (await t.api('/api/uploads/')).json()) as Json).items).toEqual([])
  })

  it('lists the staged uploads waiting to be imported, newest first, and not those imported', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    expect(await (await t.api('/api/uploads/')).json()).toEqual({ items: [] })
    const first = (await (await t.api('/api/uploads/', csv(SAMPLE_CSV, 'a.csv'))).json()) as Json
    const second = (await (await t.api('/api/uploads/', csv(SAMPLE_CSV, 'b.csv'))).json()) as Json
    const listed = await t.api('/api/uploads/')
    expect(listed.status).toBe(200)
    const { items } = (await listed.json()) as Json
    expect(items.map((upload: Json) => upload.filename)).toEqual(['b.csv', 'a.csv'])
    expect(items[0]).toEqual(second)
    // A dry run keeps the file listed; the import removes it.
    const dry = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: first.upload_id, dry_run: true }))
    ).json()) as Json
    await waitForJob(t, dry.job_id)
    expect(((await (await t.api('/api/uploads')).json()) as Json).items).toHaveLength(2)
    const job = (await (
      await t.api('/api/import/', jsonInit('POST', { upload_id: first.upload_id }))
    ).json()) as Json
    expect(await waitForJob(t, job.job_id)).toMatchObject({ status: 'completed' })
    await expect
      .poll(async () => ((await (await t.api('/api/uploads/')).json()) as Json).items)
      .toEqual([second])
  })

  it('removes a staged file once its time to live has passed', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir, ttlMs: 1 } })
    const upload = (await (await t.api('/api/uploads/', csv(SAMPLE_CSV))).json()) as Json
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect((await t.api(`/api/uploads/${upload.upload_id}/`)).status).toBe(404)
    expect(readdirSync(dir)).toEqual([])
  })

  it('deletes a staged upload on request', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir } })
    const upload = (await (await t.api('/api/uploads/', csv(SAMPLE_CSV))).json()) as Json
    expect((await t.api(`/api/uploads/${upload.upload_id}/`, { method: 'DELETE' })).status).toBe(
      204,
    )
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('resuming an import of a staged upload', () => {
  const rows = Array.from({ length: 1000 }, (_, i) => `S-${i % 700},Item ${i},${(i % 97) + 0.5}`)
  const file = `sku,name,price\n${rows.join('\n')}\n`

  it('answers 409 RESUME_FILE_MISMATCH when the staged file is no longer the one the job read, and resumes once it is', async () => {
    const dir = tempDir()
    const t = await startServer({ staging: { dir } })
    const upload = (await (await t.api('/api/uploads/', csv(file))).json()) as Json
    const staged = join(dir, `${upload.upload_id}.csv`)
    // A job that read the staged upload, committed two batches of 100 rows and stopped: the
    // state a process that died mid-import leaves.
    const job = await t.importer.imports.create({ filename: 'catalog.csv' })
    async function* cutOff() {
      yield file.slice(0, file.indexOf('S-250,'))
      throw new Error('connection lost')
    }
    await t.importer.imports.run(job.id, cutOff(), {
      batchSize: 100,
      resumeSource: `upload:${upload.upload_id}`,
    })
    await t.importer.storage.updateJob(job.id, { status: 'interrupted' })
    expect(await t.importer.products.count()).toBe(200)

    writeFileSync(staged, file.replaceAll('Item', 'Thing'))
    const refused = await t.api(`/api/import/${job.id}/resume`, { method: 'POST' })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as Json).error).toMatchObject({
      code: 'RESUME_FILE_MISMATCH',
      message: expect.stringMatching(
        /the part already imported\) differ\. Resume with the original file/,
      ),
    })
    expect(await t.importer.imports.get(job.id)).toMatchObject({ status: 'interrupted', rows: 200 })
    expect(await t.importer.products.count()).toBe(200)

    writeFileSync(staged, file)
    const resumed = await t.api(`/api/import/${job.id}/resume`, { method: 'POST' })
    expect(resumed.status).toBe(202)
    expect(await waitForJob(t, job.id)).toMatchObject({ status: 'completed', rows: 1000 })
    expect(await t.importer.products.count()).toBe(700)
    expect((await t.importer.products.getBySku('S-0'))?.name).toBe('Item 700')
  })
})
