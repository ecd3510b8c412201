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

describe('examples/node-http', () => {
  it('serves the API under /catalog next to the host routes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-node-http-'))
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
    expect(await (await fetch(`${origin}/`)).text()).toContain('host app')
    const form = new FormData()
    form.append(
      'file',
      new Blob(['sku,name,price\nA-1,Lamp,9.90\n'], { type: 'text/csv' }),
      'p.csv',
    )
    const res = await fetch(`${origin}/catalog/api/import/`, { method: 'POST', body: form })
    expect(res.status).toBe(202)
    const job = (await res.json()) as { progress_url: string }
    expect(job.progress_url).toMatch(/^\/catalog\/api\/import\/progress\//)
    let status = ''
    for (let i = 0; i < 200 && status !== 'completed'; i++) {
      status = ((await (await fetch(origin + job.progress_url)).json()) as { status: string })
        .status
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 25))
    }
    expect(status).toBe('completed')
    const page = (await (await fetch(`${url}`)).json()) as {
      items: { sku: string; price: string }[]
    }
    expect(page.items).toEqual([expect.objectContaining({ sku: 'A-1', price: '9.90' })])
  })
})
