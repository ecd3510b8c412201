import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generatedCsv, type Json, SAMPLE_CSV, tempDir } from '../../http/test/_server.js'

const CLI = resolve(import.meta.dirname, '../dist/cli.js')

interface Serving {
  child: ChildProcess
  origin: string
  output: () => string
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<Serving> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, DATABASE_URL: '', PRODUCT_IMPORTER_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 15_000)
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(`exited early: ${output}`))
    })
  })
  return { child, origin, output: () => output }
}

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
      expect(total % 10_000).toBe(0)
    } finally {
      await stop(again)
    }
  })
})
