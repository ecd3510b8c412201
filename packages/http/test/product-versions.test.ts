import { describe, expect, it } from 'vitest'
import { closedPort } from '../../core/test/_receiver.js'
import { type Json, jsonInit, startServer, type TestServer, waitForJob } from './_server.js'

const LOCAL = { webhooks: { allowHosts: ['127.0.0.1'] } }

async function createLamp(t: TestServer, extra: Json = {}): Promise<{ id: string; etag: string }> {
  const res = await t.api(
    '/api/products/',
    jsonInit('POST', { sku: 'LAMP-1', name: 'Lamp', price: '100.00', quantity: 5, ...extra }),
  )
  expect(res.status).toBe(201)
  const etag = res.headers.get('etag')
  expect(etag).toMatch(/^"[\w-]+"$/)
  return { id: ((await res.json()) as Json).id, etag: etag! }
}

async function importCsv(t: TestServer, csv: string): Promise<void> {
  const res = await t.api('/api/import/', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  })
  expect(res.status).toBe(202)
  await waitForJob(t, ((await res.json()) as Json).job_id)
}

/** The fields a PUT must also give, each to none. */
const NO_CATALOG_FIELDS = {
  barcode: null,
  brand: null,
  category: null,
  tags: [],
  images: [],
  compare_at_price: null,
  weight_grams: null,
  group: null,
}

const withIfMatch = (init: RequestInit, tag: string): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), 'if-match': tag },
})

describe('product versions: ETag and If-Match', () => {
  it('sends an ETag on GET, POST, PUT and PATCH that changes exactly when the product does', async () => {
    const t = await startServer()
    const { id, etag: created } = await createLamp(t)
    const got = await t.api(`/api/products/${id}/`)
    expect(got.headers.get('etag')).toBe(created)

    const patched = await t.api(`/api/products/${id}/`, jsonInit('PATCH', { name: 'Desk lamp' }))
    expect(patched.status).toBe(200)
    const afterPatch = patched.headers.get('etag')
    expect(afterPatch).not.toBe(created)
    expect((await t.api(`/api/products/${id}`)).headers.get('etag')).toBe(afterPatch)

    const whole = {
      sku: 'LAMP-1',
      name: 'Desk lamp',
      description: 'Brass',
      price: '100.00',
      quantity: 5,
      active: true,
      ...NO_CATALOG_FIELDS,
    }
    const put = await t.api(`/api/products/${id}/`, jsonInit('PUT', whole))
    expect(put.status).toBe(200)
    expect(put.headers.get('etag')).not.toBe(afterPatch)
    expect((await t.api(`/api/products/${id}/`)).headers.get('etag')).toBe(put.headers.get('etag'))
  })

  it('answers 412 with the current product and changes nothing when If-Match names an old version', async () => {
    const t = await startServer()
    const { id, etag: loaded } = await createLamp(t)
    // An import changes price and quantity after the client loaded the product.
    await importCsv(t, 'sku,price,quantity\nLAMP-1,120.00,50\n')
    const now = await t.api(`/api/products/${id}/`)
    const current = (await now.json()) as Json
    expect(current).toMatchObject({ price: '120.00', quantity: 50 })

    for (const method of ['PATCH', 'PUT']) {
      const body = {
        sku: 'LAMP-1',
        name: 'Desk lamp',
        description: '',
        price: '100.00',
        quantity: 5,
        active: true,
        ...NO_CATALOG_FIELDS,
      }
      const res = await t.api(`/api/products/${id}/`, withIfMatch(jsonInit(method, body), loaded))
      expect(res.status).toBe(412)
      expect(res.headers.get('etag')).toBe(now.headers.get('etag'))
      const error = ((await res.json()) as Json).error
      expect(error.code).toBe('PRECONDITION_FAILED')
      expect(error.details).toEqual({ current, etag: now.headers.get('etag') })
    }
    const stored = (await (await t.api(`/api/products/${id}/`)).json()) as Json
    expect(stored).toEqual(current)

    // The current version, any of a list, and `*` pass; a bogus value or a weak tag does not.
    const bogus = await t.api(
      `/api/products/${id}/`,
      withIfMatch(jsonInit('PATCH', { name: 'Bogus' }), 'not-an-etag'),
    )
    expect(bogus.status).toBe(412)
    const weak = await t.api(
      `/api/products/${id}/`,
      withIfMatch(jsonInit('PATCH', { name: 'Weak' }), `W/${now.headers.get('etag')}`),
    )
    expect(weak.status).toBe(412)
    const listed = await t.api(
      `/api/products/${id}/`,
      withIfMatch(
        jsonInit('PATCH', { name: 'Desk lamp' }),
        `${loaded}, ${now.headers.get('etag')}`,
      ),
    )
    expect(listed.status).toBe(200)
    expect(await listed.json()).toMatchObject({ name: 'Desk lamp', price: '120.00', quantity: 50 })
    const any = await t.api(
      `/api/products/${id}/`,
      withIfMatch(jsonInit('PATCH', { name: 'Any lamp' }), '*'),
    )
    expect(any.status).toBe(200)
    const missing = await t.api(
      `/api/products/${crypto.randomUUID()}/`,
      withIfMatch(jsonInit('PATCH', { name: 'x' }), '*'),
    )
    expect(missing.status).toBe(404)
    expect((await (await t.api(`/api/products/${id}/`)).json()) as Json).toMatchObject({
      name: 'Any lamp',
      price: '120.00',
      quantity: 50,
    })
  })

  it('answers a GET whose If-None-Match names the current version with 304', async () => {
    const t = await startServer()
    const { id, etag } = await createLamp(t)
    const same = await t.api(`/api/products/${id}/`, { headers: { 'if-none-match': etag } })
    expect(same.status).toBe(304)
    expect(same.headers.get('etag')).toBe(etag)
    await t.api(`/api/products/${id}/`, jsonInit('PATCH', { quantity: 6 }))
    const changed = await t.api(`/api/products/${id}/`, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(((await changed.json()) as Json).quantity).toBe(6)
  })
})

describe('a PATCH that changes nothing', () => {
  it('writes nothing: updated_at and the ETag stay, and no product.updated event is sent', async () => {
    const t = await startServer({}, LOCAL)
    const hook = await t.api(
      '/api/webhooks/',
      jsonInit('POST', { url: `http://127.0.0.1:${await closedPort()}/hook` }),
    )
    const endpoint = (await hook.json()) as Json
    const { id, etag } = await createLamp(t, { description: 'Brass' })
    const before = (await (await t.api(`/api/products/${id}/`)).json()) as Json
    await new Promise((resolve) => setTimeout(resolve, 5))

    // Every given field equals the stored one (after the same trimming and parsing).
    const same = await t.api(
      `/api/products/${id}/`,
      withIfMatch(
        jsonInit('PATCH', { name: ' Lamp ', price: 100, quantity: '5', active: 'yes' }),
        etag,
      ),
    )
    expect(same.status).toBe(200)
    expect(same.headers.get('etag')).toBe(etag)
    expect(await same.json()).toEqual(before)
    expect((await (await t.api(`/api/products/${id}/`)).json()) as Json).toEqual(before)

    const changed = await t.api(`/api/products/${id}/`, jsonInit('PATCH', { name: 'Desk lamp' }))
    expect(((await changed.json()) as Json).updated_at).not.toBe(before.updated_at)
    const deliveries = (await (
      await t.api(`/api/webhooks/${endpoint.id}/deliveries/`)
    ).json()) as Json
    const types = deliveries.items.map((d: Json) => d.event_type).sort()
    expect(types).toEqual(['product.created', 'product.updated'])
  })
})

describe('PUT replaces the whole product', () => {
  it('refuses a body without every field, naming the missing ones, and changes nothing', async () => {
    const t = await startServer()
    const { id } = await createLamp(t, { description: 'Brass' })
    const before = (await (await t.api(`/api/products/${id}/`)).json()) as Json
    const res = await t.api(`/api/products/${id}/`, jsonInit('PUT', { sku: 'LAMP-1', name: 'X' }))
    expect(res.status).toBe(400)
    const error = ((await res.json()) as Json).error
    expect(error.code).toBe('VALIDATION_FAILED')
    const missing = error.details.issues.map((issue: Json) => issue.path[0])
    expect(missing).toEqual([
      'description',
      'price',
      'quantity',
      'active',
      'barcode',
      'brand',
      'category',
      'tags',
      'images',
      'compare_at_price',
      'weight_grams',
      'group',
    ])
    for (const field of missing) expect(error.message).toContain(`${field} is missing`)
    expect((await (await t.api(`/api/products/${id}/`)).json()) as Json).toEqual(before)

    const whole = {
      sku: 'LAMP-1',
      name: 'X',
      description: '',
      price: null,
      quantity: 0,
      ...NO_CATALOG_FIELDS,
    }
    const withActive = await t.api(
      `/api/products/${id}/`,
      jsonInit('PUT', { ...whole, active: false }),
    )
    expect(withActive.status).toBe(200)
    expect(await withActive.json()).toMatchObject({ ...whole, active: false })
  })
})
