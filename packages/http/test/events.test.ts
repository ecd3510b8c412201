import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { Json } from './_server.js'
import { generatedCsv, jsonInit, parseSse, startServer, type TestServer } from './_server.js'

/** Reads an SSE response until the stream ends or `stop` says so (bounded by a timeout). */
async function readEvents(
  res: Response,
  stop: (text: string) => boolean = () => false,
  timeoutMs = 20_000,
) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const timer = setTimeout(() => reader.cancel(), timeoutMs)
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
      if (stop(text)) {
        await reader.cancel()
        break
      }
    }
  } finally {
    clearTimeout(timer)
  }
  return text
}

async function slowUpload(t: TestServer, url: string, rows: number, pauseMs: number) {
  async function* slow() {
    for await (const chunk of generatedCsv(rows, 250)) {
      yield chunk
      await new Promise((r) => setTimeout(r, pauseMs))
    }
  }
  return t.api(url, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv' },
    body: Readable.toWeb(Readable.from(slow())) as ReadableStream,
    duplex: 'half',
  } as RequestInit)
}

describe('import progress as Server-Sent Events', () => {
  it('sends the current state first, progress while it runs, then completed, and ends', async () => {
    const t = await startServer({ importOptions: { batchSize: 500 } })
    const job = (await (
      await t.api('/api/import/', jsonInit('POST', { filename: 'live.csv' }))
    ).json()) as Json
    const res = await t.api(job.events_url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reading = readEvents(res)
    const upload = await slowUpload(t, job.upload_url, 5000, 25)
    expect(upload.status).toBe(202)
    const events = parseSse(await reading)
    expect(events[0]).toMatchObject({
      event: 'progress',
      data: { job_id: job.job_id, status: 'pending', phase: 'waiting' },
    })
    const running = events.filter((e) => (e.data as Json).status === 'running')
    expect(running.length).toBeGreaterThan(1)
    const rows = running.map((e) => (e.data as Json).rows)
    expect(rows).toEqual([...rows].sort((a, b) => a - b))
    expect(
      running.some(
        (e) =>
          (e.data as Json).bytes_read > 0 &&
          'rows_per_second' in (e.data as Json) &&
          'eta_ms' in (e.data as Json),
      ),
    ).toBe(true)
    expect(events.at(-1)).toMatchObject({
      event: 'completed',
      data: { status: 'completed', rows: 5000, created: 5000 },
    })
    expect(
      events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event)),
    ).toHaveLength(1)
  })

  it('gives a late subscriber or a reconnect the state it missed', async () => {
    const t = await startServer({ importOptions: { batchSize: 500 } })
    const job = (await (await t.api('/api/import/', jsonInit('POST', {}))).json()) as Json
    const uploading = slowUpload(t, job.upload_url, 4000, 20)
    // First subscriber drops after the first running event...
    const first = parseSse(
      await readEvents(await t.api(job.events_url), (text) => text.includes('"status":"running"')),
    )
    expect(first.length).toBeGreaterThan(0)
    // ...and reconnects: the current state comes first, so nothing before it is needed.
    const second = parseSse(await readEvents(await t.api(job.events_url)))
    expect(['running', 'completed']).toContain((second[0]!.data as Json).status)
    expect(second.at(-1)!.event).toBe('completed')
    await uploading
    // After the end, a subscriber gets the terminal event at once and the stream closes.
    const late = parseSse(await readEvents(await t.api(`${job.events_url}`)))
    expect(late).toHaveLength(1)
    expect(late[0]).toMatchObject({ event: 'completed', data: { rows: 4000 } })
  })

  it('ends with cancelled when the job is cancelled, and sends keep-alive comments while idle', async () => {
    const t = await startServer({ keepAliveMs: 50 })
    const job = (await (await t.api('/api/import/', jsonInit('POST', {}))).json()) as Json
    const res = await t.api(job.events_url)
    const reading = readEvents(res)
    await new Promise((r) => setTimeout(r, 200))
    await t.api(`/api/import/${job.job_id}/cancel`, { method: 'POST' })
    const text = await reading
    expect(text).toContain(': keep-alive')
    const events = parseSse(text)
    expect(events[0]!.data).toMatchObject({ status: 'pending' })
    expect(events.at(-1)).toMatchObject({ event: 'cancelled', data: { status: 'cancelled' } })
  })

  it('ends with failed when the import fails, and answers 404 for an unknown job', async () => {
    const t = await startServer()
    const res = await t.api('/api/import/', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'name\nx\n',
    })
    const id = ((await res.json()) as Json).error.details.job_id
    const events = parseSse(await readEvents(await t.api(`/api/import/${id}/events`)))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      event: 'failed',
      data: { status: 'failed', error: { code: 'MISSING_SKU_COLUMN' } },
    })
    const missing = await t.api('/api/import/00000000-0000-4000-8000-000000000000/events')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as Json).error.code).toBe('NOT_FOUND')
  })
})
