import { describe, expect, it } from 'vitest'
import type { Json } from './_server.js'
import { jsonInit, startServer, waitForJob } from './_server.js'

describe('products REST API', () => {
  it('creates, reads, replaces, changes and deletes a product, with and without trailing slashes', async () => {
    const t = await startServer()
    const created = await t.api(
      '/api/products',
      jsonInit('POST', { sku: 'A-1', name: 'Lamp', price: '19.90', quantity: 3 }),
    )
    expect(created.status).toBe(201)
    const product = (await created.json()) as Json
    expect(product).toMatchObject({
      sku: 'A-1',
      name: 'Lamp',
      price: '19.90',
      quantity: 3,
      active: true,
      description: '',
    })
    expect(created.headers.get('location')).toBe(`/api/products/${product.id}/`)

    for (const path of [`/api/products/${product.id}/`, `/api/products/${product.id}`]) {
      const got = await t.api(path)
      expect(got.status).toBe(200)
      expect(((await got.json()) as Json).sku).toBe('A-1')
    }

    const patched = await t.api(
      `/api/products/${product.id}/`,
      jsonInit('PATCH', { price: 25, active: 'no' }),
    )
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({
      name: 'Lamp',
      price: '25.00',
      quantity: 3,
      active: false,
    })

    const replaced = await t.api(
      `/api/products/${product.id}`,
      jsonInit('PUT', {
        sku: 'A-1',
        name: 'Desk lamp',
        description: '',
        price: null,
        quantity: 0,
        active: true,
        barcode: '4006381333931',
        brand: 'Acme',
        category: ' Home >Lighting > ',
        tags: ['desk', ' brass ', 'desk', ''],
        images: ['https://cdn.example.com/lamp.jpg'],
        compare_at_price: '19.99',
        weight_grams: 1200,
        group: 'LAMPS',
      }),
    )
    expect(replaced.status).toBe(200)
    // Paths and lists come back as stored: levels trimmed, items trimmed, repeats dropped.
    expect(await replaced.json()).toMatchObject({
      name: 'Desk lamp',
      price: null,
      quantity: 0,
      active: true,
      barcode: '4006381333931',
      brand: 'Acme',
      category: 'Home > Lighting',
      tags: ['desk', 'brass'],
      images: ['https://cdn.example.com/lamp.jpg'],
      compare_at_price: '19.99',
      weight_grams: 1200,
      group: 'LAMPS',
    })

    expect((await t.api(`/api/products/${product.id}/`, { method: 'DELETE' })).status).toBe(204)
    expect((await t.api(`/api/products/${product.id}/`)).status).toBe(404)
    expect((await t.api(`/api/products/${product.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('lists newest first with filters, page numbers with a total, and a keyset cursor', async () => {
    const t = await startServer()
    for (let i = 1; i <= 25; i++) {
      const body = {
        sku: `P-${i}`,
        name: i % 2 ? `Red mug ${i}` : `Blue cup ${i}`,
        active: i <= 20,
      }
      expect((await t.api('/api/products/', jsonInit('POST', body))).status).toBe(201)
    }
    const first = (await (await t.api('/api/products/')).json()) as Json
    expect(first).toMatchObject({ total: 25, page: 1, page_size: 20, pages: 2 })
    expect(first.items).toHaveLength(20)
    expect(first.items[0].sku).toBe('P-25')

    const second = (await (await t.api('/api/products?page=2')).json()) as Json
    expect(second.items.map((p: Json) => p.sku)).toEqual(['P-5', 'P-4', 'P-3', 'P-2', 'P-1'])

    const red = (await (await t.api('/api/products/?name=red&page_size=100')).json()) as Json
    expect(red.total).toBe(13)
    const inactive = (await (await t.api('/api/products/?active=false')).json()) as Json
    expect(inactive.items.map((p: Json) => p.sku).sort()).toEqual([
      'P-21',
      'P-22',
      'P-23',
      'P-24',
      'P-25',
    ])
    const q = (await (await t.api('/api/products/?q=p-1')).json()) as Json
    expect(q.total).toBe(11) // P-1, P-10..P-19
    const capped = (await (await t.api('/api/products/?page_size=1000')).json()) as Json
    expect(capped.page_size).toBe(100)

    const seen: string[] = []
    let cursor: string | null = null
    for (let i = 0; i < 10; i++) {
      const page: Json = await (
        await t.api(
          `/api/products/?page_size=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).json()
      seen.push(...page.items.map((p: Json) => p.sku))
      cursor = page.next_cursor
      if (!cursor) break
    }
    expect(seen).toHaveLength(25)
    expect(new Set(seen).size).toBe(25)
  })

  it('answers 400 with the zod issues, 409 on a SKU taken in another letter case, 415 for non-JSON', async () => {
    const t = await startServer()
    const bad = await t.api('/api/products/', jsonInit('POST', { name: '', price: '1.234' }))
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as Json
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.details.issues.map((i: Json) => i.path[0]).sort()).toEqual([
      'name',
      'price',
      'sku',
    ])

    const broken = await t.api('/api/products/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sku":',
    })
    expect(broken.status).toBe(400)
    expect(((await broken.json()) as Json).error.code).toBe('INVALID_JSON')

    expect(
      (await t.api('/api/products/', jsonInit('POST', { sku: 'Ä-1', name: 'One' }))).status,
    ).toBe(201)
    const taken = await t.api('/api/products/', jsonInit('POST', { sku: 'ä-1', name: 'Two' }))
    expect(taken.status).toBe(409)
    expect(await taken.json()).toEqual({
      error: { code: 'SKU_TAKEN', message: expect.any(String), details: null },
    })

    const other = (await (
      await t.api('/api/products/', jsonInit('POST', { sku: 'B-1', name: 'B' }))
    ).json()) as Json
    const clash = await t.api(`/api/products/${other.id}/`, jsonInit('PATCH', { sku: 'Ä-1' }))
    expect(clash.status).toBe(409)

    const form = await t.api('/api/products/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sku=X&name=Y',
    })
    expect(form.status).toBe(415)
    expect(((await form.json()) as Json).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')

    for (const path of ['/api/products/not-an-id/', '/api/import/not-an-id/events']) {
      const res = await t.api(path)
      expect(res.status, path).toBe(404)
      expect(((await res.json()) as Json).error.code).toBe('NOT_FOUND')
    }

    const wrongMethod = await t.api('/api/products/', { method: 'PATCH' })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST')
    expect(((await wrongMethod.json()) as Json).error.code).toBe('METHOD_NOT_ALLOWED')

    const unknown = await t.api('/api/nothing-here')
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as Json).error.code).toBe('ROUTE_NOT_FOUND')
  })

  it('refuses a JSON body over the limit with 413', async () => {
    const t = await startServer({ maxJsonBytes: 1000 })
    const res = await t.api(
      '/api/products/',
      jsonInit('POST', { sku: 'A', name: 'x'.repeat(2000) }),
    )
    expect(res.status).toBe(413)
    expect(((await res.json()) as Json).error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('deletes every product', async () => {
    const t = await startServer()
    for (const sku of ['A', 'B', 'C'])
      await t.api('/api/products/', jsonInit('POST', { sku, name: sku }))
    const res = await t.api('/api/products/delete_all', { method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ deleted: 3 })
    expect(((await (await t.api('/api/products/')).json()) as Json).total).toBe(0)
  })

  it('exports CSV with formulas neutralized, filtered, and re-imports it losslessly', async () => {
    const t = await startServer()
    await t.api(
      '/api/products/',
      jsonInit('POST', {
        sku: 'F-1',
        name: '=HYPERLINK("x")',
        description: '+1, "quoted"\nsecond line',
        price: 5,
      }),
    )
    await t.api(
      '/api/products/',
      jsonInit('POST', { sku: 'F-2', name: '@SUM(A1)', quantity: 7, active: false }),
    )
    const res = await t.api('/api/products/export.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    const csv = await res.text()
    expect(csv.split('\n')[0]).toMatch(/^sku,name,description,price,quantity,active/)
    expect(csv).toContain(`'=HYPERLINK`)
    expect(csv).toContain(`'@SUM(A1)`)
    expect(csv).not.toMatch(/(^|,)"?[=@+]/m)

    const filtered = await (await t.api('/api/products/export.csv?active=false')).text()
    expect(filtered).toContain('F-2')
    expect(filtered).not.toContain('F-1')

    const before = ((await (await t.api('/api/products/')).json()) as Json).items
    await t.api('/api/products/delete_all/', { method: 'DELETE' })
    const up = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })
    expect(up.status).toBe(202)
    const after = ((await (await t.api('/api/products/')).json()) as Json).items
    const strip = (p: Json) => ({
      sku: p.sku,
      name: p.name,
      description: p.description,
      price: p.price,
      quantity: p.quantity,
      active: p.active,
    })
    expect(after.map(strip).sort((a: Json, b: Json) => a.sku.localeCompare(b.sku))).toEqual(
      before.map(strip).sort((a: Json, b: Json) => a.sku.localeCompare(b.sku)),
    )
  })

  it("applies the import's value rules: lengths in characters, 0/1 for active, leading spaces kept", async () => {
    const t = await startServer()
    const emoji = '\u{1F600}'
    const created = await t.api(
      '/api/products/',
      jsonInit('POST', {
        sku: emoji.repeat(100),
        name: 'Lamp',
        description: '  indented\n',
        active: 0,
      }),
    )
    expect(created.status).toBe(201)
    expect(await created.json()).toMatchObject({ description: '  indented', active: false })
    const bad = await t.api(
      '/api/products/',
      jsonInit('POST', {
        sku: emoji.repeat(101),
        name: 'Lamp',
        price: '1234567890123',
        quantity: 2 ** 53 - 1,
        active: null,
      }),
    )
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as Json).error.details.issues.map((i: Json) => i.message)).toEqual([
      'sku must be at most 100 characters',
      'price is too large: at most 999999999999.99',
      'quantity must be between -2147483647 and 2147483647',
      'active must be true or false (also yes/no, 1/0 or active/inactive)',
    ])

    const csv = await (await t.api('/api/products/export.csv')).text()
    await t.api('/api/products/delete_all/', { method: 'DELETE' })
    const up = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })
    const job = await waitForJob(t, ((await up.json()) as Json).job_id)
    expect(job).toMatchObject({ status: 'completed', created: 1, invalid: 0 })
    const items = ((await (await t.api('/api/products/')).json()) as Json).items
    expect(items).toMatchObject([{ sku: emoji.repeat(100), description: '  indented' }])
  })

  it('answers /healthz and serves an OpenAPI 3.1 document covering every route', async () => {
    const t = await startServer()
    expect(await (await t.api('/healthz')).json()).toEqual({ status: 'ok' })
    const doc = (await (await t.api('/api/openapi.json')).json()) as Json
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/healthz',
        '/readyz',
        '/api/openapi.json',
        '/api/products/',
        '/api/products/{id}/',
        '/api/products/delete_all/',
        '/api/products/bulk/',
        '/api/session/',
        '/api/products/export.csv',
        '/api/import/',
        '/api/import/inspect',
        '/api/import/{id}/file',
        '/api/import/jobs/',
        '/api/import/progress/{job_id}/',
        '/api/import/{id}/',
        '/api/import/{id}/events',
        '/api/import/{id}/cancel',
        '/api/import/{id}/resume',
        '/api/import/{id}/errors',
        '/api/import/{id}/errors.csv',
        '/api/uploads/',
        '/api/uploads/{id}/',
        '/api/uploads/{id}/inspect',
        '/api/mappings/',
        '/api/mappings/{signature}/',
        '/api/webhooks/',
        '/api/webhooks/{id}/',
        '/api/webhooks/{id}/logs/',
        '/api/webhooks/{id}/deliveries/',
        '/api/webhooks/{id}/test/',
        '/api/webhooks/{id}/deliveries/{delivery_id}/redeliver',
        '/api/webhooks/{id}/recover',
        '/api/webhooks/{id}/rotate-secret',
        '/api/webhooks/{id}/secret',
        '/',
        '/ui/app.js',
        '/ui/app.css',
      ].sort(),
    )
    expect(
      Object.keys(doc.paths['/api/products/{id}/'])
        .filter((k) => k !== 'parameters')
        .sort(),
    ).toEqual(['delete', 'get', 'patch', 'put'])
    const input = doc.components.schemas.ProductInput
    expect(input.required.sort()).toEqual(['name', 'sku'])
    expect(doc.components.schemas.Product.properties.price).toBeDefined()
    expect(JSON.stringify(doc)).not.toContain('#/$defs')
  })
})
