import { readFileSync } from 'node:fs'
import { headerSignature } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import {
  type Json,
  jsonInit,
  parseSse,
  startServer,
  type TestServer,
  tempDir,
  waitForJob,
} from './_server.js'

const magento = readFileSync(
  new URL('../../core/test/fixtures/shops/magento.csv', import.meta.url),
  'utf8',
)

/** Imports `text` as a raw upload with `query`, and the finished job as the API returns it. */
async function rawImport(t: TestServer, text: string, query = ''): Promise<Json> {
  const res = await t.api(`/api/import/${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: text,
  })
  expect(res.status).toBe(202)
  return waitForJob(t, ((await res.json()) as Json).job_id)
}

/** Imports `text` as multipart with the fields before the file. */
async function multipartImport(
  t: TestServer,
  text: string,
  fields: Record<string, string> = {},
): Promise<Json> {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('file', new Blob([text], { type: 'text/csv' }), 'items.csv')
  const res = await t.api('/api/import/', { method: 'POST', body: form })
  expect(res.status).toBe(202)
  return waitForJob(t, ((await res.json()) as Json).job_id)
}

const mapped = (query: Record<string, string>) => `?${new URLSearchParams(query)}`

describe('an API import says how it read the file', () => {
  it('reads a price under "Price (EUR)" and answers with its mapping, platform and warnings, in the job JSON and over SSE', async () => {
    const t = await startServer()
    const job = await rawImport(
      t,
      'SKU ,Product Name,Price (EUR),Qty,Colour\nA-1,Anchor,12.50,4,red\n',
    )
    const reading = {
      platform: 'generic',
      mapping: { sku: 'SKU', name: 'Product Name', price: 'Price (EUR)', quantity: 'Qty' },
      warnings: [
        {
          code: 'UNKNOWN_COLUMNS',
          message: 'ignored a column not mapped to a product field: Colour',
          columns: ['Colour'],
        },
      ],
      remembered_mapping: null,
    }
    expect(job).toMatchObject({ status: 'completed', created: 1, ...reading })
    expect((await t.importer.products.getBySku('A-1'))?.price).toBe('12.50')
    const listed = (await (await t.api('/api/import/jobs/')).json()) as Json
    expect(listed.items[0]).toMatchObject(reading)
    const events = parseSse(await (await t.api(job.events_url)).text())
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: reading })
  })

  it('updates by the exact SKU column of a file with Reference before it, and says so', async () => {
    const t = await startServer()
    await t.importer.products.create({ sku: 'AB-1', name: 'Old anchor' })
    const job = await rawImport(t, 'Reference,SKU,Name,Price\nSUP-778,AB-1,Anchor,12.50\n')
    expect(job).toMatchObject({ status: 'completed', created: 0, updated: 1 })
    expect(job.warnings).toEqual([
      {
        code: 'DUPLICATE_COLUMN',
        message: 'sku is read from "SKU" (column 2); column "Reference" (column 1) is ignored',
        columns: ['SKU', 'Reference'],
      },
    ])
    expect(await t.importer.products.getBySku('SUP-778')).toBeUndefined()
    expect((await t.importer.products.getBySku('AB-1'))?.price).toBe('12.50')
  })

  it('names the duplicate columns of one field and the one it reads (multipart)', async () => {
    const t = await startServer()
    const job = await multipartImport(t, 'sku,name,price,price\nA-1,Anchor,1.00,2.00\n')
    expect(job.warnings).toEqual([
      {
        code: 'DUPLICATE_COLUMN',
        message: 'price is read from "price" (column 3); column "price" (column 4) is ignored',
        columns: ['price', 'price'],
      },
    ])
    expect((await t.importer.products.getBySku('A-1'))?.price).toBe('1.00')
  })

  it('counts the Magento store-view rows it skipped', async () => {
    const t = await startServer()
    const job = await rawImport(t, magento)
    expect(job.platform).toBe('magento')
    expect(job.warnings).toContainEqual({
      code: 'ROWS_SKIPPED',
      message:
        'skipped 3 store-view rows (store_view_code set): they hold store-specific texts of a product whose default row is imported',
    })
  })
})

describe('a mapping sent with an API import', () => {
  const HEADER = 'sku,name,price'
  const NO_PRICE = JSON.stringify({ price: null })

  it('is for that import only: the next file with the same columns reads its price', async () => {
    const t = await startServer()
    const first = await rawImport(t, `${HEADER}\nA-1,Anchor,1.00\n`, mapped({ mapping: NO_PRICE }))
    expect(first).toMatchObject({ status: 'completed', mapping: { sku: 'sku', name: 'name' } })
    expect((await t.importer.products.getBySku('A-1'))?.price).toBeNull()
    expect(await t.importer.mappings.list()).toEqual([])

    const second = await rawImport(t, 'price,sku,name\n2.00,B-2,Buoy\n')
    expect(second).toMatchObject({ remembered_mapping: null, mapping: { price: 'price' } })
    expect((await t.importer.products.getBySku('B-2'))?.price).toBe('2.00')
  })

  it('is remembered with remember=true, and the next import says it applied it', async () => {
    const t = await startServer()
    await rawImport(
      t,
      `${HEADER}\nA-1,Anchor,1.00\n`,
      mapped({ mapping: NO_PRICE, remember: 'true' }),
    )
    const [saved] = await t.importer.mappings.list()
    expect(saved?.columns).toEqual({ price: null })

    const next = await rawImport(t, 'price,sku,name\n2.00,B-2,Buoy\n')
    expect(next.remembered_mapping).toEqual({
      header_signature: headerSignature(['sku', 'name', 'price']),
      mapping: { price: null },
    })
    expect(next.mapping).toEqual({ sku: 'sku', name: 'name' })
    expect((await t.importer.products.getBySku('B-2'))?.price).toBeNull()
    // remember=false leaves the remembered mapping unapplied.
    const free = await rawImport(
      t,
      'price,sku,name\n3.00,C-3,Compass\n',
      mapped({ remember: 'false' }),
    )
    expect(free.remembered_mapping).toBeNull()
    expect((await t.importer.products.getBySku('C-3'))?.price).toBe('3.00')
  })

  it('is remembered from a multipart field remember=true only', async () => {
    const t = await startServer()
    await multipartImport(t, `${HEADER}\nA-1,Anchor,1.00\n`, { mapping: NO_PRICE })
    expect(await t.importer.mappings.list()).toEqual([])
    await multipartImport(t, `${HEADER}\nA-1,Anchor,1.00\n`, {
      mapping: NO_PRICE,
      remember: 'true',
    })
    expect((await t.importer.mappings.list()).map((m) => m.columns)).toEqual([{ price: null }])
  })

  it('of a staged upload is remembered with "remember": true in the JSON body only', async () => {
    const t = await startServer({ staging: { dir: tempDir() } })
    const stage = async () =>
      (
        (await (
          await t.api('/api/uploads/', {
            method: 'POST',
            headers: { 'content-type': 'text/csv' },
            body: `${HEADER}\nA-1,Anchor,1.00\n`,
          })
        ).json()) as Json
      ).upload_id as string
    const run = async (body: Json) => {
      const res = await t.api('/api/import/', jsonInit('POST', body))
      expect(res.status).toBe(202)
      return waitForJob(t, ((await res.json()) as Json).job_id)
    }
    await run({ upload_id: await stage(), mapping: { price: null } })
    expect(await t.importer.mappings.list()).toEqual([])
    await run({ upload_id: await stage(), mapping: { price: null }, remember: true })
    expect((await t.importer.mappings.list()).map((m) => m.columns)).toEqual([{ price: null }])
    const refused = await t.api('/api/import/', jsonInit('POST', { remember: true }))
    expect(refused.status).toBe(400)
  })
})
