import { once } from 'node:events'
import { type IncomingMessage, request } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { generatedCsv, type Json, startServer, type TestServer, waitForJob } from './_server.js'

async function importedRows(t: TestServer): Promise<number> {
  const jobs = ((await (await t.api('/api/import/jobs/')).json()) as Json).items as Json[]
  return jobs[0]?.rows ?? 0
}

/**
 * POSTs a streamed body with node:http, which writes a chunk only when the socket takes it and
 * keeps nothing after (fetch with a stream body keeps its chunks), so that memory measured in
 * this process is the server's. Resolves with the status and the parsed answer.
 */
async function postStream(
  url: string,
  contentType: string,
  body: AsyncIterable<Uint8Array>,
): Promise<{ status: number; json: Json }> {
  const req = request(url, { method: 'POST', headers: { 'content-type': contentType } })
  const response = once(req, 'response') as Promise<[IncomingMessage]>
  await pipeline(Readable.from(body), req)
  const [res] = await response
  let text = ''
  for await (const chunk of res) text += chunk
  return { status: res.statusCode ?? 0, json: JSON.parse(text) as Json }
}

describe('large uploads', () => {
  it('imports a large body while it is still arriving, in bounded memory', {
    timeout: 120_000,
  }, async () => {
    const t = await startServer()
    const rows = 800_000 // about 100 MB of CSV, generated as it is sent
    const baseline = process.memoryUsage().rss
    let peak = baseline
    let peakBuffers = 0
    const sampler = setInterval(() => {
      const memory = process.memoryUsage()
      peak = Math.max(peak, memory.rss)
      peakBuffers = Math.max(peakBuffers, memory.arrayBuffers)
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
      const res = await postStream(`${t.origin}/api/import/`, 'text/csv', body())
      expect(res.status).toBe(202)
      const job = await waitForJob(t, res.json.job_id, 100_000)
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
    // Tighter, and what a leak of the body shows first: the chunks of the body must become
    // garbage once parsed. Holding them would put the whole body (over 90 MB) here.
    expect(peakBuffers).toBeLessThan(48 * 1024 * 1024)
  })
})
