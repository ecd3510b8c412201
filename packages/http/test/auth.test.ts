import { describe, expect, it } from 'vitest'
import type { Json } from './_server.js'
import { jsonInit, SAMPLE_CSV, startServer } from './_server.js'

const TOKEN = 's3cret-token'

describe('authentication and CSRF', () => {
  it('with auth off, serves everyone except cross-site browser writes', async () => {
    const t = await startServer()
    expect((await t.api('/api/products/')).status).toBe(200)
    expect((await t.api('/api/products/', jsonInit('POST', { sku: 'A', name: 'A' }))).status).toBe(
      201,
    )
    const crossSite = await t.api('/api/products/delete_all/', {
      method: 'DELETE',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    })
    expect(crossSite.status).toBe(403)
    expect(((await crossSite.json()) as Json).error.code).toBe('CSRF_REJECTED')
    const form = new FormData()
    form.append('file', new Blob([SAMPLE_CSV], { type: 'text/csv' }), 'x.csv')
    const forged = await t.api('/api/import/', {
      method: 'POST',
      body: form,
      headers: { origin: 'https://evil.example' },
    })
    expect(forged.status).toBe(403)
    const sameOrigin = await t.api(
      '/api/products/',
      jsonInit(
        'POST',
        { sku: 'B', name: 'B' },
        { origin: t.origin, 'sec-fetch-site': 'same-origin' },
      ),
    )
    expect(sameOrigin.status).toBe(201)
    expect(((await (await t.api('/api/products/')).json()) as Json).total).toBe(2)
  })

  it('with a token, needs it as Bearer header or cookie; /healthz stays open', async () => {
    const t = await startServer({ auth: { token: TOKEN } })
    const anonymous = await t.api('/api/products/')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
    expect(((await anonymous.json()) as Json).error.code).toBe('UNAUTHORIZED')
    expect(
      (await t.api('/api/products/', { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401)
    expect(
      (await t.api('/api/products/', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200)
    expect(
      (await t.api('/api/products/', { headers: { cookie: `product_importer_token=${TOKEN}` } }))
        .status,
    ).toBe(200)
    expect((await t.api('/healthz')).status).toBe(200)
    expect(
      (
        await t.api('/api/import/', {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: SAMPLE_CSV,
        })
      ).status,
    ).toBe(401)
    const withToken = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${TOKEN}` },
      body: SAMPLE_CSV,
    })
    expect(withToken.status).toBe(202)
  })

  it('refuses a cookie-only write from another site or without JSON, but takes same-origin JSON', async () => {
    const t = await startServer({ auth: { token: TOKEN } })
    const cookie = `product_importer_token=${TOKEN}`
    const crossSite = await t.api('/api/products/delete_all/', {
      method: 'DELETE',
      headers: { cookie, origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    const noEvidence = await t.api('/api/import/', {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    expect(noEvidence.status).toBe(403)
    const sameOriginJson = await t.api(
      '/api/products/',
      jsonInit('POST', { sku: 'A', name: 'A' }, { cookie, origin: t.origin }),
    )
    expect(sameOriginJson.status).toBe(201)
    const legacyJson = await t.api(
      '/api/products/',
      jsonInit('POST', { sku: 'B', name: 'B' }, { cookie }),
    )
    expect(legacyJson.status).toBe(201)
    const sameOriginUpload = await t.api('/api/import/', {
      method: 'POST',
      headers: { cookie, origin: t.origin, 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    expect(sameOriginUpload.status).toBe(202)
    // Behind a proxy that rewrites Host, the browser's Sec-Fetch-Site still vouches for it.
    const proxied = await t.api('/api/products/delete_all/', {
      method: 'DELETE',
      headers: { cookie, origin: 'https://shop.example', 'sec-fetch-site': 'same-origin' },
    })
    expect(proxied.status).toBe(200)
    const bearerCrossSite = await t.api(
      '/api/products/',
      jsonInit(
        'POST',
        { sku: 'C', name: 'C' },
        { authorization: `Bearer ${TOKEN}`, origin: 'https://tool.example' },
      ),
    )
    expect(bearerCrossSite.status).toBe(201)
  })

  it('lets trusted origins write and asks the host authorize hook', async () => {
    const t = await startServer({
      trustedOrigins: ['https://admin.example'],
      authorize: (event) => {
        const role = event.req.headers.get('x-role')
        if (!role) return 'unauthenticated'
        return role === 'admin' || event.req.method === 'GET'
      },
    })
    expect((await t.api('/api/products/')).status).toBe(401)
    expect((await t.api('/api/products/', { headers: { 'x-role': 'viewer' } })).status).toBe(200)
    const viewerWrite = await t.api(
      '/api/products/',
      jsonInit('POST', { sku: 'A', name: 'A' }, { 'x-role': 'viewer' }),
    )
    expect(viewerWrite.status).toBe(403)
    expect(((await viewerWrite.json()) as Json).error.code).toBe('FORBIDDEN')
    const trusted = await t.api(
      '/api/products/',
      jsonInit(
        'POST',
        { sku: 'A', name: 'A' },
        { 'x-role': 'admin', origin: 'https://admin.example', 'sec-fetch-site': 'cross-site' },
      ),
    )
    expect(trusted.status).toBe(201)
    expect((await t.api('/healthz')).status).toBe(200)
  })
})
