import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

let child: ChildProcess | undefined
let dir: string | undefined
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('examples/express', () => {
  it('serves the API under /admin/products while the host keeps its JSON routes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-express-'))
    child = spawn(process.execPath, [join(import.meta.dirname, 'server.mjs')], {
      env: { ...process.env, PORT: '0', DB: join(dir, 'p.db') },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening: ${out}`)), 15_000)
      child!.stdout!.on('data', (chunk) => {
        out += chunk
        const match = /listening on (http:\/\/\S+)/.exec(out)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      })
    })
    const origin = new URL(url).origin
    const base = `${origin}/admin/products`

    const created = await fetch(`${base}/api/products/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'SKU001', name: 'Product', price: 99.99 }),
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toMatch(/^\/admin\/products\/api\/products\//)

    const upload = await fetch(`${base}/api/import/`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'sku,name,price\nSKU002,Cable,12.99\n',
    })
    expect(upload.status).toBe(202)
    const job = (await upload.json()) as { progress_url: string }
    expect(job.progress_url).toMatch(/^\/admin\/products\/api\/import\/progress\//)
    let status = ''
    for (let i = 0; i < 200 && status !== 'completed'; i++) {
      status = ((await (await fetch(origin + job.progress_url)).json()) as { status: string })
        .status
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 25))
    }
    expect(status).toBe('completed')
    expect(((await (await fetch(url)).json()) as { total: number }).total).toBe(2)

    const echo = await fetch(`${origin}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'host' }),
    })
    expect(await echo.json()).toEqual({ youSent: { hello: 'host' } })
  })
})
