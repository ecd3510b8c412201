import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { generatedCsv, type Json, startServer, type TestServer, waitForJob } from './_server.js'

async function importedRows(t: TestServer): Promise<number> {
  const jobs = ((await (await t.api('/api/import/jobs/')).json()) as Json).items as Json[]
  return jobs[0]?.rows ?? 0
}

describe('large uploads', () => {
  it('imports a large body while it is still arriving, in bounded memory', {
    timeout: 120_000,
  }, async () => {
    const t = await startServer()
    const rows = 800_000 // about 100 MB of CSV, generated as it is sent
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 20)
    let sent = 0
    let rowsWhileSending = 0
    async function* body() {
      let paused = false
      for await (const chunk of generatedCsv(rows, 5000)) {
        sent += chunk.byteLength
        yield chunk
        if (!paused && sent > 50 * 1024 * 1024) {
          // Halfway: the server must already be importing what it got, not holding it.
          paused = true
          for (let i = 0; i < 400 && rowsWhileSending === 0; i++) {
            rowsWhileSending = await importedRows(t)
            if (rowsWhileSending === 0) await new Promise((r) => setTimeout(r, 50))
          }
        }
      }
    }
    try {
      const res = await t.api('/api/import/', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: Readable.toWeb(Readable.from(body())) as ReadableStream,
        duplex: 'half',
      } as RequestInit)
      expect(res.status).toBe(202)
      const job = await waitForJob(t, ((await res.json()) as Json).job_id, 100_000)
      expect(job).toMatchObject({ status: 'completed', rows, created: rows })
      expect(job.bytes_read).toBe(sent)
    } finally {
      clearInterval(sampler)
    }
    expect(sent).toBeGreaterThan(90 * 1024 * 1024)
    expect(rowsWhileSending).toBeGreaterThan(0)
    // Loose: client, server, parse worker and SQLite share this process; the import engine
    // alone takes about 200 MB here whatever the file size.
    expect(peak - baseline).toBeLessThan(400 * 1024 * 1024)
  })
})
