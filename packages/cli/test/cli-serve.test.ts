import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generatedCsv, type Json, parseSse, SAMPLE_CSV, tempDir } from '../../http/test/_server.js'
import { CLI, type Serving, serve } from './_cli.js'

async function stop(s: Serving, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode
  const exited = once(s.child, 'exit')
  s.child.kill(signal)
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 15_000)
  const [code] = await exited
  clearTimeout(timer)
  return code as number | null
}

describe('product-importer serve', () => {
  it('serves the API on the SQLite file and stops cleanly on SIGTERM', async () => {
    const db = join(tempDir(), 'shop.db')
    const s = await serve(['--db', db])
    try {
      expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(await (await fetch(`${s.origin}/healthz`)).json()).toEqual({ status: 'ok' })
      const res = await fetch(`${s.origin}/api/import/`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: SAMPLE_CSV,
      })
      expect(res.status).toBe(202)
    } finally {
      expect(await stop(s)).toBe(0)
    }
    // The data outlives the server.
    const again = await serve(['--db', db])
    try {
      expect(((await (await fetch(`${again.origin}/api/products/`)).json()) as Json).total).toBe(2)
    } finally {
      expect(await stop(again, 'SIGINT')).toBe(0)
    }
  })

  it('refuses a non-loopback host without PRODUCT_IMPORTER_TOKEN, saying why', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--host', '0.0.0.0', '--port', '0', '--db', join(tempDir(), 'x.db')],
      {
        env: { ...process.env, PRODUCT_IMPORTER_TOKEN: '' },
      },
    )
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    const [code] = await once(child, 'exit')
    expect(code).toBe(2)
    expect(stderr).toContain('PRODUCT_IMPORTER_TOKEN')
    expect(stderr).toContain('0.0.0.0')
  })

  it('requires the token when PRODUCT_IMPORTER_TOKEN is set, also on a public host', async () => {
    const s = await serve(['--host', '0.0.0.0', '--db', join(tempDir(), 'x.db')], {
      PRODUCT_IMPORTER_TOKEN: 'tok-123',
    })
    try {
      const origin = s.origin.replace('0.0.0.0', '127.0.0.1')
      expect((await fetch(`${origin}/api/products/`)).status).toBe(401)
      expect(
        (await fetch(`${origin}/api/products/`, { headers: { authorization: 'Bearer tok-123' } }))
          .status,
      ).toBe(200)
    } finally {
      expect(await stop(s)).toBe(0)
    }
  })

  it('answers the names given with --allowed-host besides loopback, and refuses others', async () => {
    const s = await serve([
      '--db',
      join(tempDir(), 'shop.db'),
      '--allowed-host',
      'shop.lan',
      '--allowed-host',
      'products.lan',
    ])
    try {
      const statusFor = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${s.origin}/api/products/`, { headers: { host } }, (res) => {
            res.resume()
            resolve(res.statusCode!)
          })
          req.on('error', reject)
          req.end()
        })
      expect(await statusFor('shop.lan:3000')).toBe(200)
      expect(await statusFor('products.lan')).toBe(200)
      expect(await statusFor('localhost')).toBe(200)
      expect(await statusFor('rebind.example')).toBe(403)
    } finally {
      await stop(s)
    }
  })

  it('on SIGTERM, ends a running upload as a cancelled or failed job with whole batches', async () => {
    const db = join(tempDir(), 'shop.db')
    const s = await serve(['--db', db])
    const { port } = new URL(s.origin)
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/import/',
      headers: { 'content-type': 'text/csv' },
    })
    req.on('error', () => {})
    req.on('response', (res) => res.resume())
    const chunks = generatedCsv(2_000_000, 2000)
    let jobs: Json[] = []
    for (let i = 0; i < 400; i++) {
      req.write((await chunks.next()).value)
      jobs = ((await (await fetch(`${s.origin}/api/import/jobs/`)).json()) as Json).items
      if (jobs[0]?.rows > 0) break
    }
    expect(jobs[0]?.rows).toBeGreaterThan(0)
    expect(await stop(s)).toBe(0)
    req.destroy()
    const again = await serve(['--db', db])
    try {
      const job = (await (
        await fetch(`${again.origin}/api/import/progress/${jobs[0]!.job_id}/`)
      ).json()) as Json
      expect(['cancelled', 'failed']).toContain(job.status)
      const total = ((await (await fetch(`${again.origin}/api/products/`)).json()) as Json).total
      expect(total % 5_000).toBe(0) // whole batches: 5,000 rows beside the writer thread
    } finally {
      await stop(again)
    }
  })

  it('after a SIGKILL, ends the import interrupted on restart and resumes it from the staged upload', async () => {
    const db = join(tempDir(), 'shop.db')
    // Staged uploads live under the OS temp folder: one of the test's own, kept across restarts.
    const env = { TMPDIR: tempDir() }
    const rows = 300_000
    const parts: Uint8Array[] = []
    for await (const part of generatedCsv(rows)) parts.push(part)
    const first = await serve(['--db', db], env)
    let jobId = ''
    try {
      const staged = (await (
        await fetch(`${first.origin}/api/uploads/?filename=big.csv`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: Buffer.concat(parts),
        })
      ).json()) as Json
      const started = (await (
        await fetch(`${first.origin}/api/import/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ upload_id: staged.upload_id }),
        })
      ).json()) as Json
      jobId = started.job_id
      for (let i = 0; i < 2000; i++) {
        const job = (await (
          await fetch(`${first.origin}/api/import/progress/${jobId}/`)
        ).json()) as Json
        if (job.rows > 0) break
        expect(['pending', 'running']).toContain(job.status)
      }
    } finally {
      first.child.kill('SIGKILL')
      await once(first.child, 'exit')
    }

    const again = await serve(['--db', db, '--heartbeat-timeout', '1'], env)
    try {
      // The event stream ends, with the interrupted state and the counts committed.
      const events = parseSse(
        await (await fetch(`${again.origin}/api/import/${jobId}/events`)).text(),
      )
      const last = events.at(-1)!
      expect(last.event).toBe('interrupted')
      const job = last.data as Json
      expect(job).toMatchObject({ status: 'interrupted', error: { code: 'INTERRUPTED' } })
      expect(job.rows).toBeGreaterThan(0)
      const total = ((await (await fetch(`${again.origin}/api/products/`)).json()) as Json).total
      expect(total).toBeGreaterThanOrEqual(job.rows)
      expect(total % 5_000).toBe(0) // whole batches: 5,000 rows beside the writer thread

      const cancel = await fetch(`${again.origin}/api/import/${jobId}/cancel`, { method: 'POST' })
      expect(cancel.status).toBe(409)
      expect(((await cancel.json()) as Json).error.message).toMatch(/interrupted/)

      const resumed = await fetch(`${again.origin}/api/import/${jobId}/resume`, { method: 'POST' })
      expect(resumed.status).toBe(202)
      const ended = parseSse(
        await (await fetch(`${again.origin}/api/import/${jobId}/events`)).text(),
      ).at(-1)!
      expect(ended.event, JSON.stringify(ended.data)).toBe('completed')
      const done = ended.data as Json
      expect(done).toMatchObject({ rows, error: null })
      // A batch that committed in the instant before the kill, before its counts did, is read
      // again and changes nothing: it counts as unchanged.
      expect(done.created + done.unchanged).toBe(rows)
      const after = (await (
        await fetch(`${again.origin}/api/products/?sku=SKU-299999`)
      ).json()) as Json
      expect(after.items[0]).toMatchObject({ name: 'Product 299999', quantity: 299_999 % 500 })
      expect(((await (await fetch(`${again.origin}/api/products/`)).json()) as Json).total).toBe(
        rows,
      )

      // A finished job is not resumed again.
      const twice = await fetch(`${again.origin}/api/import/${jobId}/resume`, { method: 'POST' })
      expect(twice.status).toBe(409)
    } finally {
      await stop(again)
    }
  })
})
