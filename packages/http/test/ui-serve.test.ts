import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { jsonInit, startServer } from './_server.js'

const UI_DIST = join(import.meta.dirname, '..', 'dist', 'ui')

describe('web UI files', () => {
  it('serves index.html at the root with a strict Content-Security-Policy', async () => {
    const t = await startServer()
    const res = await t.api('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await res.text()
    // No inline script or style: every script has a src, no <style>, no style="".
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="ui/app.js">'])
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
    // Every URL is relative, so any mount prefix works.
    expect(html).not.toMatch(/(?:src|href)="\//)

    const js = await t.api('/ui/app.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await t.api('/ui/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect((await t.api('/ui/other.js')).status).toBe(404)
  })

  it('serves the UI under a base path, sending the bare prefix to its trailing-slash form', async () => {
    const t = await startServer({ basePath: '/admin/catalog' })
    const bare = await t.api('/admin/catalog', { redirect: 'manual' })
    expect(bare.status).toBe(308)
    expect(bare.headers.get('location')).toBe('./catalog/')
    expect(new URL(bare.headers.get('location') ?? '', `${t.origin}/admin/catalog`).pathname).toBe(
      '/admin/catalog/',
    )
    expect((await t.api('/admin/catalog/')).headers.get('content-type')).toMatch(/^text\/html/)
    expect((await t.api('/admin/catalog/ui/app.js')).status).toBe(200)
  })

  it('serves the UI mounted in Express, where the prefix is stripped before the app sees it', async () => {
    const { default: express } = await import('express')
    const { createImporterApp, toNodeHandler } = await import('@product-importer/http')
    const { createProductImporter } = await import('@product-importer/core')
    const { sqliteStorage } = await import('@product-importer/storage-sqlite')
    const importer = createProductImporter({ storage: sqliteStorage({ filename: ':memory:' }) })
    const app = express()
    app.use('/shop', toNodeHandler(createImporterApp(importer, { basePath: '/shop' })))
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as { port: number }
      const bare = await fetch(`http://127.0.0.1:${port}/shop`, { redirect: 'manual' })
      expect(bare.status).toBe(308)
      expect(bare.headers.get('location')).toBe('./shop/')
      const page = await fetch(`http://127.0.0.1:${port}/shop/`)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      expect((await fetch(`http://127.0.0.1:${port}/shop/ui/app.js`)).status).toBe(200)
    } finally {
      server.closeAllConnections()
      server.close()
      await importer.close()
    }
  })

  it('loads the page without a token while the API still requires one', async () => {
    const t = await startServer({ auth: { token: 'secret-token' } })
    expect((await t.api('/')).status).toBe(200)
    expect((await t.api('/ui/app.js')).status).toBe(200)
    expect((await t.api('/api/products/')).status).toBe(401)
  })

  it('stays within its size budget: 60 KB gzipped for the whole UI', () => {
    const files = readdirSync(UI_DIST)
    expect(files.sort()).toEqual(['app.css', 'app.js', 'index.html'])
    const gzipped = files.reduce(
      (sum, name) => sum + gzipSync(readFileSync(join(UI_DIST, name)), { level: 9 }).byteLength,
      0,
    )
    expect(gzipped).toBeGreaterThan(1000)
    expect(gzipped).toBeLessThanOrEqual(60 * 1024)
  })
})

describe('login session', () => {
  it('swaps the token for an HttpOnly cookie that then authorizes the API, and signs out', async () => {
    const t = await startServer({ auth: { token: 'secret-token' } })
    const wrong = await t.api('/api/session/', jsonInit('POST', { token: 'nope' }))
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const missing = await t.api('/api/session/', jsonInit('POST', {}))
    expect(missing.status).toBe(400)

    const ok = await t.api('/api/session/', jsonInit('POST', { token: 'secret-token' }))
    expect(ok.status).toBe(200)
    const cookie = ok.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^product_importer_token=secret-token; /)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
    const pair = cookie.split(';')[0] ?? ''
    expect((await t.api('/api/products/', { headers: { cookie: pair } })).status).toBe(200)

    const out = await t.api('/api/session/', { method: 'DELETE' })
    expect(out.headers.get('set-cookie')).toMatch(/^product_importer_token=; .*Max-Age=0/)
  })

  it('scopes the cookie to the base path and reports when no token is needed', async () => {
    const guarded = await startServer({ basePath: '/admin', auth: { token: 't0ken' } })
    const res = await guarded.api('/admin/api/session/', jsonInit('POST', { token: 't0ken' }))
    expect(res.headers.get('set-cookie')).toContain('Path=/admin;')
    const open = await startServer()
    const body = await (await open.api('/api/session/', jsonInit('POST', { token: 'x' }))).json()
    expect(body).toEqual({ authenticated: true, token_required: false })
  })
})
