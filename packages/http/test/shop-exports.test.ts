import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
// The CLI lives in its own package; these tests read the same files through it and the API.
import { cli, workdir } from '../../cli/test/_cli.js'
import { type Json, startServer, waitForJob } from './_server.js'

const SHOPIFY = resolve(import.meta.dirname, '../../core/test/fixtures/shops/shopify.csv')
const MAPPED = 'Item No,Article,Unit Price\nX-1,Lamp,12.50\nX-2,Mug,3\n'

describe('product-importer CLI with shop exports', () => {
  it('says which platform it read and exits 0 when rows applied', async () => {
    const dir = workdir()
    const result = await cli(['import', SHOPIFY], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('completed: 5 rows')
    expect(result.stdout).toContain('read as Shopify')
    expect(result.stdout).toContain('skipped 2')
  })

  it('exits 3 when the file had rows and none applied, 0 for a file without rows, 1 on a fatal error', async () => {
    const dir = workdir({
      'invalid.csv': 'sku,name,price\nA-1,Lamp,free\nA-2,Mug,-1\n',
      'empty.csv': 'sku,name\n',
      'nosku.csv': 'code,title\nA-1,Lamp\n',
    })
    const invalid = await cli(['import', 'invalid.csv'], dir)
    expect(invalid.code).toBe(3)
    expect(invalid.stdout).toContain('nothing imported: 2 rows')
    expect((await cli(['import', 'empty.csv'], dir)).code).toBe(0)
    const fatal = await cli(['import', 'nosku.csv'], dir)
    expect(fatal.code).toBe(1)
    expect(fatal.stderr).toContain('MISSING_SKU_COLUMN')
  })

  it('maps columns with --map, and names the headers when a mapped one is missing', async () => {
    const dir = workdir({ 'items.csv': MAPPED })
    const mapped = await cli(
      [
        'import',
        'items.csv',
        '--json',
        '--map',
        'sku=Item No',
        '--map',
        'name=Article',
        '--map',
        'price=Unit Price',
      ],
      dir,
    )
    expect(mapped.code).toBe(0)
    expect(JSON.parse(mapped.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      created: 2,
      platform: 'generic',
    })
    const missing = await cli(['import', 'items.csv', '--map', 'sku=Item Number'], dir)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('MAPPING_INVALID')
    expect(missing.stderr).toContain('its headers are: Item No, Article, Unit Price')
    const badField = await cli(['import', 'items.csv', '--map', 'colour=Article'], dir)
    expect(badField.code).toBe(2)
    expect(badField.stderr).toContain('--map takes field="Header"')
    const badDecimal = await cli(['import', 'items.csv', '--decimal', ';'], dir)
    expect(badDecimal.code).toBe(2)
    expect(badDecimal.stderr).toContain('--decimal must be')
    const badPlatform = await cli(['inspect', 'items.csv', '--platform', 'ebay'], dir)
    expect(badPlatform.code).toBe(2)
    expect(badPlatform.stderr).toContain('--platform must be one of shopify')
  })

  it('inspects a file: platform, columns with their fields, first rows; writes nothing', async () => {
    const dir = workdir()
    const result = await cli(['inspect', SHOPIFY, '--rows', '2'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('platform: Shopify')
    expect(result.stdout).toMatch(/Variant SKU\s+-> sku/)
    expect(result.stdout).toContain('line 2: sku="TEE-S-BLU" name="Ocean Tee - Small / Blue"')
    const json = await cli(['inspect', SHOPIFY, '--json'], dir)
    expect(JSON.parse(json.stdout)).toMatchObject({
      platform: 'shopify',
      mapping: { sku: 'Variant SKU' },
    })
  })
})

const multipart = (content: string, fields: Record<string, string> = {}) => {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('file', new Blob([content], { type: 'text/csv' }), 'items.csv')
  return form
}

describe('shop exports over HTTP', () => {
  it('imports with a mapping field, multipart or in the query of a raw upload', async () => {
    const t = await startServer()
    const mapping = JSON.stringify({ sku: 'Item No', name: 'Article', price: 'Unit Price' })
    const res = await t.api('/api/import/', {
      method: 'POST',
      body: multipart(MAPPED, { mapping }),
    })
    expect(res.status).toBe(202)
    expect(await waitForJob(t, ((await res.json()) as Json).job_id)).toMatchObject({
      status: 'completed',
      created: 2,
    })
    const raw = await t.api(
      `/api/import/?mapping=${encodeURIComponent(JSON.stringify({ sku: 'Article' }))}`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'Article,Title,Unit Price\nX-9,Vase,4\n',
      },
    )
    expect(raw.status).toBe(202)
    await waitForJob(t, ((await raw.json()) as Json).job_id)
    const skus = ((await (await t.api('/api/products/')).json()) as Json).items.map(
      (p: Json) => p.sku,
    )
    expect(skus.sort()).toEqual(['X-1', 'X-2', 'X-9'])
  })

  it('answers 400 for a mapping naming a missing header, listing the headers, and for a malformed one', async () => {
    const t = await startServer()
    const missing = await t.api('/api/import/', {
      method: 'POST',
      body: multipart(MAPPED, { mapping: '{"sku":"Item Number"}' }),
    })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as Json).error).toMatchObject({
      code: 'MAPPING_INVALID',
      message: expect.stringContaining('its headers are: Item No, Article, Unit Price'),
    })
    const malformed = await t.api('/api/import/', {
      method: 'POST',
      body: multipart(MAPPED, { mapping: '{"colour":"Article"}' }),
    })
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as Json).error.code).toBe('VALIDATION_FAILED')
    const notJson = await t.api('/api/import/?mapping=sku%3DItem', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: MAPPED,
    })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as Json).error.message).toContain('must be a JSON object')
    const badPlatform = await t.api('/api/import/inspect?platform=ebay', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: MAPPED,
    })
    expect(badPlatform.status).toBe(400)
    expect(await t.importer.products.count()).toBe(0)
  })

  it('inspects an upload, raw or multipart, without importing it', async () => {
    const t = await startServer()
    const raw = await t.api('/api/import/inspect?rows=2', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'Reference #;Name *;Price tax excluded;Quantity\ndemo_1;Mug;11,90;-1\n',
    })
    expect(raw.status).toBe(200)
    expect(await raw.json()).toMatchObject({
      platform: 'prestashop',
      delimiter: ';',
      mapping: {
        sku: 'Reference #',
        name: 'Name *',
        price: 'Price tax excluded',
        quantity: 'Quantity',
      },
      rows: [
        { line: 2, status: 'valid', product: { sku: 'demo_1', price: '11.90', quantity: -1 } },
      ],
      header_signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    const form = await t.api('/api/import/inspect', {
      method: 'POST',
      body: multipart(MAPPED, { mapping: '{"sku":"Item No"}' }),
    })
    expect(form.status).toBe(200)
    expect(await form.json()).toMatchObject({
      mapping: { sku: 'Item No', price: 'Unit Price' },
      unmapped: ['Article'],
    })
    expect(await t.importer.products.count()).toBe(0)
  })

  it('inspects only the head of a large upload', async () => {
    const t = await startServer()
    let sent = 0
    const total = 64 * 1024 * 1024
    const line = 'S-1,Lamp,1.00\n'.repeat(4096)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('sku,name,price\n'))
      },
      pull(controller) {
        if (sent >= total) return controller.close()
        const chunk = new TextEncoder().encode(line)
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const res = await t.api('/api/import/inspect', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(200)
    expect(((await res.json()) as Json).rows).toHaveLength(10)
    expect(sent).toBeLessThan(total / 4)
  })
})
