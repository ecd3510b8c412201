import { describe, expect, it } from 'vitest'
import { type Json, jsonInit, startServer, tempDir, waitForJob } from './_server.js'

const HEADER = 'Item No,Title,Unit Price,Stock'
const stage = (text: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="i.csv"' },
  body: text,
})

describe('remembered mappings over HTTP', () => {
  it('inspects a staged file without a sku column, imports it mapped, and maps the next one itself', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const first = (await (
      await t.api('/api/uploads/', stage(`${HEADER}\nA-1,Anchor,10.00,4\nB-2,Buoy,2.50,9\n`))
    ).json()) as Json

    const seen = await t.api(`/api/uploads/${first.upload_id}/inspect`, { method: 'POST' })
    expect(seen.status).toBe(200)
    const inspection = (await seen.json()) as Json
    expect(inspection).toMatchObject({ platform: 'generic', delimiter: ',', encoding: 'utf-8' })
    expect(inspection.remembered_mapping).toBeNull()
    expect(inspection.columns[0]).toEqual({
      header: 'Item No',
      field: null,
      read_as: null,
      samples: ['A-1', 'B-2'],
    })
    expect(inspection.mapping.sku).toBeUndefined()

    const mapping = { sku: 'Item No', name: 'Title', price: 'Unit Price', quantity: null }
    const started = await t.api(
      '/api/import/',
      jsonInit('POST', { upload_id: first.upload_id, mapping, remember: true }),
    )
    expect(started.status).toBe(202)
    const job = await waitForJob(t, ((await started.json()) as Json).job_id)
    expect(job).toMatchObject({ status: 'completed', created: 2, invalid: 0 })
    expect((await t.importer.products.getBySku('B-2'))?.quantity).toBe(0)

    const listed = (await (await t.api('/api/mappings/')).json()) as Json
    expect(listed.items).toHaveLength(1)
    const remembered = listed.items[0]
    expect(remembered).toMatchObject({
      mapping,
      headers: ['Item No', 'Title', 'Unit Price', 'Stock'],
      header_signature: inspection.header_signature,
    })

    const second = (await (
      await t.api('/api/uploads/', stage('stock,title,unit price,item no\n3,Compass,99.00,C-3\n'))
    ).json()) as Json
    const again = (await (
      await t.api(`/api/uploads/${second.upload_id}/inspect`, { method: 'POST' })
    ).json()) as Json
    expect(again.remembered_mapping).toEqual(remembered)
    expect(again.mapping).toEqual({ sku: 'item no', name: 'title', price: 'unit price' })
    expect(again.rows[0]).toMatchObject({
      status: 'valid',
      product: { sku: 'C-3', price: '99.00' },
    })

    const imported = await t.api('/api/import/', jsonInit('POST', { upload_id: second.upload_id }))
    const done = await waitForJob(t, ((await imported.json()) as Json).job_id)
    expect(done).toMatchObject({ status: 'completed', created: 1 })
    expect((await t.importer.products.getBySku('C-3'))?.name).toBe('Compass')
  })

  it('refuses a mapping naming a header the staged file lacks, before any job exists', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const upload = (await (
      await t.api('/api/uploads/', stage(`${HEADER}\nA-1,Anchor,1,1\n`))
    ).json()) as Json
    const refused = await t.api(
      '/api/import/',
      jsonInit('POST', { upload_id: upload.upload_id, mapping: { sku: 'Item Number' } }),
    )
    expect(refused.status).toBe(400)
    const body = (await refused.json()) as Json
    expect(body.error.code).toBe('MAPPING_INVALID')
    expect(body.error.message).toContain('Item No, Title, Unit Price, Stock')
    expect(await t.importer.imports.list()).toEqual([])
    expect(await t.importer.mappings.list()).toEqual([])
  })

  it('does not remember the mapping of a preview', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const upload = (await (
      await t.api('/api/uploads/', stage(`${HEADER}\nA-1,Anchor,1,1\n`))
    ).json()) as Json
    const dry = await t.api(
      '/api/import/',
      jsonInit('POST', { upload_id: upload.upload_id, dry_run: true, mapping: { sku: 'Item No' } }),
    )
    const job = await waitForJob(t, ((await dry.json()) as Json).job_id)
    expect(job).toMatchObject({ status: 'completed', dry_run: true, created: 1 })
    expect((await (await t.api('/api/mappings/')).json()) as Json).toEqual({ items: [] })
  })

  it('gets and forgets a mapping by signature; an unknown one is a 404', async () => {
    const t = await startServer()
    const saved = await t.importer.mappings.save(['Item No', 'Title'], { sku: 'Item No' })
    const got = await t.api(`/api/mappings/${saved.signature}/`)
    expect(((await got.json()) as Json).mapping).toEqual({ sku: 'Item No' })
    expect((await t.api(`/api/mappings/${saved.signature}/`, { method: 'DELETE' })).status).toBe(
      204,
    )
    const gone = await t.api(`/api/mappings/${saved.signature}/`, { method: 'DELETE' })
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as Json).error.code).toBe('NOT_FOUND')
    expect((await t.api('/api/mappings/not-a-signature/')).status).toBe(404)
    expect(await t.importer.mappings.list()).toEqual([])
  })

  it('takes a mapping in a JSON import body only with an upload_id', async () => {
    const t = await startServer()
    const refused = await t.api('/api/import/', jsonInit('POST', { mapping: { sku: 'Item No' } }))
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as Json).error.code).toBe('VALIDATION_FAILED')
  })
})

describe('remembered mappings of raw uploads', () => {
  it('remembers the mapping query parameter of an upload asked to, and applies it to the next one', async () => {
    const t = await startServer()
    const raw = (text: string, query = '') =>
      t.api(`/api/import/${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: text,
      })
    const mapping = encodeURIComponent(JSON.stringify({ sku: 'Item No', price: 'Unit Price' }))
    const first = await raw(`${HEADER}\nA-1,Anchor,1.00,1\n`, `?mapping=${mapping}&remember=true`)
    expect(await waitForJob(t, ((await first.json()) as Json).job_id)).toMatchObject({
      status: 'completed',
      created: 1,
    })
    const second = await raw(`${HEADER}\nB-2,Buoy,2.00,2\n`)
    expect(await waitForJob(t, ((await second.json()) as Json).job_id)).toMatchObject({
      status: 'completed',
      created: 1,
    })
    expect((await t.importer.products.getBySku('B-2'))?.price).toBe('2.00')
  })
})
