import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createWebhookSender, type WebhookSenderOptions } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { closeAfter, closedPort, startReceiver } from './_receiver.js'

function localSender(options: WebhookSenderOptions = {}) {
  const sender = createWebhookSender({
    guard: { allowHttp: true, allowHosts: ['127.0.0.1'] },
    ...options,
  })
  closeAfter(sender)
  return sender
}

const attempt = (url: string) => ({ url, body: '{"type":"webhook.test"}', headers: {} })

describe('webhook sender', () => {
  it('posts the exact body and reports the status code and response time', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(200).end('thanks'))
    const outcome = await localSender().send(attempt(`${receiver.origin}/in?x=1`))
    expect(outcome).toMatchObject({
      ok: true,
      statusCode: 200,
      errorKind: null,
      errorMessage: null,
      responseBody: 'thanks',
      responseTruncated: false,
    })
    expect(outcome.responseTimeMs).toBeGreaterThanOrEqual(0)
    expect(receiver.received).toEqual([
      expect.objectContaining({ method: 'POST', path: '/in?x=1', body: '{"type":"webhook.test"}' }),
    ])
  })

  it('counts only 2xx as success', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(500).end('boom'))
    const outcome = await localSender().send(attempt(receiver.origin))
    expect(outcome).toMatchObject({
      ok: false,
      statusCode: 500,
      errorKind: 'http_status',
      errorMessage: 'The receiver answered 500',
      responseBody: 'boom',
    })
  })

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const receiver = await startReceiver((request, res) => {
      if (request.path === '/moved') res.writeHead(307, { location: '/elsewhere' }).end()
      else res.writeHead(200).end()
    })
    const outcome = await localSender().send(attempt(`${receiver.origin}/moved`))
    expect(outcome).toMatchObject({ ok: false, statusCode: 307, errorKind: 'redirect' })
    expect(outcome.errorMessage).toContain('/elsewhere')
    expect(receiver.received.map((request) => request.path)).toEqual(['/moved'])
  })

  it('reports the Retry-After header of the answer', async () => {
    const receiver = await startReceiver((_, res) =>
      res.writeHead(429, { 'retry-after': '120' }).end(),
    )
    const outcome = await localSender().send(attempt(receiver.origin))
    expect(outcome).toMatchObject({ statusCode: 429, retryAfter: '120' })
  })

  it('keeps at most maxResponseBytes of the response body and drops the rest', async () => {
    const receiver = await startReceiver((_, res) => {
      res.writeHead(200)
      // 1 MiB, far more than kept: the sender stops reading, so this may never finish.
      for (let i = 0; i < 16; i++) res.write('é'.repeat(32 * 1024))
      res.end()
    })
    const outcome = await localSender({ maxResponseBytes: 1001 }).send(attempt(receiver.origin))
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, responseTruncated: true })
    // 500 two-byte characters fit in 1001 bytes; the split one is left out, not mangled.
    expect(outcome.responseBody).toBe('é'.repeat(500))
  })

  it('keeps the default 64 KiB of a long body', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(400).end('x'.repeat(100_000)))
    const outcome = await localSender().send(attempt(receiver.origin))
    expect(outcome.responseBody).toHaveLength(64 * 1024)
    expect(outcome.responseTruncated).toBe(true)
  })

  it('gives up on a receiver that never answers, as a timeout', async () => {
    const receiver = await startReceiver(() => {})
    const outcome = await localSender({ timeoutMs: 300 }).send(attempt(receiver.origin))
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorKind: 'timeout' })
    expect(receiver.received).toHaveLength(1)
  })

  it('gives up on a response body that never ends, as a timeout', async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(200).write('partial'))
    const outcome = await localSender({ timeoutMs: 300 }).send(attempt(receiver.origin))
    expect(outcome).toMatchObject({ ok: false, errorKind: 'timeout' })
  })

  it('gives up on a connection that does not open within connectTimeoutMs, as a timeout', async () => {
    // A name whose lookup never answers stalls the connect phase, which the connect timeout covers.
    const sender = localSender({
      connectTimeoutMs: 200,
      guard: { allowHttp: true, resolve: () => new Promise(() => {}) },
    })
    const outcome = await sender.send(attempt('http://stalled.example.test/'))
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorKind: 'timeout' })
    expect(outcome.errorMessage).toMatch(/connect timeout/i)
  })

  it('reports a refused connection', async () => {
    const port = await closedPort()
    const outcome = await localSender().send(attempt(`http://127.0.0.1:${port}/`))
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorKind: 'connection_refused' })
    expect(outcome.errorMessage).toBeTruthy()
  })

  it('reports a hostname that does not resolve as a DNS failure', async () => {
    const sender = localSender({
      guard: {
        allowHttp: true,
        resolve: async (hostname) => {
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
        },
      },
    })
    const outcome = await sender.send(attempt('http://hooks.example.test/'))
    expect(outcome).toMatchObject({ ok: false, errorKind: 'dns' })
  })

  it('reports a cancelled attempt as aborted', async () => {
    const receiver = await startReceiver(() => {})
    const controller = new AbortController()
    const sending = localSender().send({ ...attempt(receiver.origin), signal: controller.signal })
    for (let i = 0; i < 500 && receiver.received.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    controller.abort()
    expect(await sending).toMatchObject({ ok: false, errorKind: 'aborted' })
  })

  it('leaves the application’s own fetch as Node set it up', async () => {
    // A fresh process, as a user's would be: core imported and a webhook sent before the first
    // fetch, which then sends an explicit content-length (undici 7's dispatcher refused that).
    const receiver = await startReceiver((request, res) => res.writeHead(200).end(request.body))
    const script = `
      const { createWebhookSender } = await import('@product-importer/core')
      const sender = createWebhookSender({ guard: { allowHttp: true, allowHosts: ['127.0.0.1'] } })
      const outcome = await sender.send({ url: '${receiver.origin}/hook', body: '{}', headers: {} })
      await sender.close()
      const response = await fetch('${receiver.origin}/fetch', {
        method: 'POST',
        headers: { 'content-length': '5' },
        body: 'hello',
      })
      console.log(JSON.stringify({ webhook: outcome.statusCode, fetch: await response.text() }))
    `
    const cwd = fileURLToPath(new URL('../../..', import.meta.url))
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd, timeout: 20_000 },
    )
    expect(JSON.parse(stdout)).toEqual({ webhook: 200, fetch: 'hello' })
  })
})
