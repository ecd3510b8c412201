import { request } from 'node:http'
import { type H3, HTTPResponse } from 'h3'
import { describe, expect, it } from 'vitest'
import { type Json, jsonInit, SAMPLE_CSV, startServer } from './_server.js'

const TOKEN = 's3cret-token'

/** A request with a `Host` header of our choosing, which fetch does not allow. */
function send(
  origin: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      origin + path,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('the server in a hostile network', () => {
  it('without a token, answers loopback host names on any port and refuses every other name', async () => {
    const t = await startServer()
    await t.api('/api/products/', jsonInit('POST', { sku: 'A-1', name: 'Lamp' }))
    for (const host of ['localhost', 'LOCALHOST:3000', '127.0.0.1:8080', '[::1]:80', '[::1]']) {
      const res = await send(t.origin, '/api/products/', { headers: { host } })
      expect(res.status, host).toBe(200)
    }
    for (const host of [
      'rebind.example',
      'rebind.example:3000',
      '127.0.0.1.nip.io',
      'localhost.',
    ]) {
      const read = await send(t.origin, '/api/products/', { headers: { host } })
      expect(read.status, host).toBe(403)
      expect(JSON.parse(read.body).error).toMatchObject({
        code: 'HOST_NOT_ALLOWED',
        message: expect.stringContaining('allowedHosts'),
      })
    }
    const wipe = await send(t.origin, '/api/products/delete_all/', {
      method: 'DELETE',
      headers: {
        host: `rebind.example:${new URL(t.origin).port}`,
        'sec-fetch-site': 'same-origin',
      },
    })
    expect(wipe.status).toBe(403)
    const upload = await send(t.origin, '/api/import/', {
      method: 'POST',
      headers: { host: 'rebind.example', 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    })
    expect(upload.status).toBe(403)
    expect(await t.importer.products.count()).toBe(1)
  })

  it('answers the host names the operator lists, whatever their case and port', async () => {
    const t = await startServer({ allowedHosts: ['Products.Internal', 'shop.lan:8080', 'fd00::1'] })
    for (const host of ['shop.lan', '[fd00::1]:3000']) {
      expect((await send(t.origin, '/api/products/', { headers: { host } })).status, host).toBe(200)
    }
    expect(
      (await send(t.origin, '/api/products/', { headers: { host: 'products.internal:8443' } }))
        .status,
    ).toBe(200)
    expect(
      (await send(t.origin, '/api/products/', { headers: { host: 'other.internal' } })).status,
    ).toBe(403)
  })

  it('with a token, answers any host name, and still asks for the token', async () => {
    const t = await startServer({ auth: { token: TOKEN } })
    const anonymous = await send(t.origin, '/api/products/', { headers: { host: 'shop.example' } })
    expect(anonymous.status).toBe(401)
    const res = await send(t.origin, '/api/products/', {
      headers: { host: 'shop.example', authorization: `Bearer ${TOKEN}` },
    })
    expect(res.status).toBe(200)
  })

  it('sends nosniff, DENY framing and a no-content CSP on answers, errors, 404s, CSV and SSE', async () => {
    const t = await startServer({ auth: { token: TOKEN } })
    const bearer = { authorization: `Bearer ${TOKEN}` }
    const job = (await (
      await t.api('/api/import/', {
        method: 'POST',
        headers: { 'content-type': 'text/csv', ...bearer },
        body: SAMPLE_CSV,
      })
    ).json()) as Json
    const responses = [
      await t.api('/api/products/', { headers: bearer }),
      await t.api('/api/products/', { method: 'HEAD', headers: bearer }),
      await t.api('/api/products/'), // 401
      await t.api('/api/products/', jsonInit('POST', { sku: '' }, bearer)), // 400
      await t.api('/api/nothing-here', { headers: bearer }), // 404
      await t.api('/api/products/export.csv', { headers: bearer }),
      await t.api(`/api/import/${job.job_id}/events`, { headers: bearer }),
      await t.api('/healthz'),
    ]
    for (const res of responses) {
      await res.body?.cancel()
      expect(
        {
          nosniff: res.headers.get('x-content-type-options'),
          frame: res.headers.get('x-frame-options'),
          csp: res.headers.get('content-security-policy'),
        },
        `${res.url} ${res.status}`,
      ).toEqual({
        nosniff: 'nosniff',
        frame: 'DENY',
        csp: "default-src 'none'; frame-ancestors 'none'",
      })
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 400, 404, 200, 200, 200])
  })

  it('keeps a Content-Security-Policy that a response sets itself', async () => {
    const t = await startServer()
    const { createImporterApp } = await import('@product-importer/http')
    // The h3 app inside, to add a route that sets its own headers.
    const app = (createImporterApp(t.importer) as unknown as Record<symbol, H3>)[
      Symbol.for('product-importer.h3-app')
    ]!
    app.get(
      '/page',
      () =>
        new HTTPResponse('<p>hi</p>', {
          headers: { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'" },
        }),
    )
    const res = await app.fetch(new Request('http://localhost/page'))
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })
})

describe('hostile input over HTTP', () => {
  it('answers a filter that cannot match, such as ?name=%00, with no products', async () => {
    const t = await startServer()
    await t.api('/api/products/', jsonInit('POST', { sku: 'A-1', name: 'Lamp' }))
    for (const query of ['name=%00', 'sku=%01', 'q=%1F', 'description=%00']) {
      const res = await t.api(`/api/products/?${query}`)
      expect(res.status, query).toBe(200)
      expect(((await res.json()) as Json).total, query).toBe(0)
      const csv = await (await t.api(`/api/products/export.csv?${query}`)).text()
      expect(csv.trim().split('\n'), query).toHaveLength(1)
    }
    expect(((await (await t.api('/api/products/?name=Lamp')).json()) as Json).total).toBe(1)
  })

  it('refuses a SKU with an invisible character through the API, as through CSV and the SDK', async () => {
    const t = await startServer()
    await t.api('/api/products/', jsonInit('POST', { sku: 'A-1', name: 'Lamp' }))
    const res = await t.api('/api/products/', jsonInit('POST', { sku: 'A-1\u200F', name: 'Fake' }))
    expect(res.status).toBe(400)
    expect(((await res.json()) as Json).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('invisible formatting character (U+200F'),
    })
    expect(await t.importer.products.count()).toBe(1)
  })

  it('answers 400 to a multipart upload with two file parts, importing neither', async () => {
    const t = await startServer()
    const form = new FormData()
    form.append('file', new Blob([SAMPLE_CSV], { type: 'text/csv' }), 'one.csv')
    form.append('file', new Blob(['sku,name\nX-1,Other\n'], { type: 'text/csv' }), 'two.csv')
    const res = await t.api('/api/import/', { method: 'POST', body: form })
    expect(res.status).toBe(400)
    const body = (await res.json()) as Json
    expect(body.error.message).toContain('more than one "file" part')
    expect(body.error.details.job.status).toBe('failed')
    expect(await t.importer.products.count()).toBe(0)
  })
})
