import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver } from '../../core/test/_receiver.js'
import { type Json, tempDir } from '../../http/test/_server.js'
import { CLI, type Serving, serve as serveCli } from './_cli.js'

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

/** `serve` whose process the test's end kills if it still runs. */
async function serve(args: string[]): Promise<Serving> {
  const serving = await serveCli(args)
  children.push(serving.child)
  return serving
}

async function waitFor<T>(
  ready: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  const until = Date.now() + 15_000
  for (;;) {
    const value = await ready()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

function post(origin: string, path: string, body: unknown): Promise<Response> {
  return fetch(origin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('product-importer serve with webhooks', () => {
  it('documents --allow-webhook-host in its help', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (c) => (output += c))
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
    expect(output).toContain('--allow-webhook-host')
    expect(output).toContain('169.254.169.254')
  })

  it('refuses a loopback webhook URL unless --allow-webhook-host names it', async () => {
    const s = await serve(['--db', join(tempDir(), 'shop.db')])
    const res = await post(s.origin, '/api/webhooks/', { url: 'http://127.0.0.1:9/hook' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as Json).error.code).toBe('WEBHOOK_URL_FORBIDDEN')
    s.child.kill('SIGTERM')
    expect((await once(s.child, 'exit'))[0]).toBe(0)
  })

  it('sends a delivery in flight again, with the same webhook-id, after the server is killed', async () => {
    // The first request is held unanswered: the server dies while the delivery is in flight.
    const held: ServerResponse[] = []
    const receiver = await startReceiver((_, res) => {
      if (held.length === 0) held.push(res)
      else res.writeHead(204).end()
    })
    const db = join(tempDir(), 'shop.db')
    const flags = ['--db', db, '--allow-webhook-host', '127.0.0.1', '--webhook-lease-ms', '1500']
    const first = await serve(flags)
    const endpoint = (await (
      await post(first.origin, '/api/webhooks/', {
        url: `${receiver.origin}/hook`,
        event_types: ['product.created'],
      })
    ).json()) as Json
    expect(
      (await post(first.origin, '/api/products/', { sku: 'CRASH-1', name: 'Kept' })).status,
    ).toBe(201)
    const inFlight = await waitFor(() => receiver.received[0], 'the first attempt')
    first.child.kill('SIGKILL')
    await once(first.child, 'exit')

    const second = await serve(flags)
    const again = await waitFor(() => receiver.received[1], 'the delivery after the restart')
    expect(again.headers['webhook-id']).toBe(inFlight.headers['webhook-id'])
    const body = new Webhook(endpoint.secret).verify(
      again.body,
      again.headers as Record<string, string>,
    ) as Json
    expect(body).toMatchObject({ type: 'product.created', data: { sku: 'CRASH-1' } })

    // The log shows the delivery delivered once the receiver answered.
    const deliveries = `${second.origin}/api/webhooks/${endpoint.id}/deliveries/?status=delivered`
    const delivered = await waitFor(async () => {
      const page = (await (await fetch(deliveries)).json()) as Json
      return page.items.length > 0 && page.items
    }, 'the delivered status')
    expect(delivered.map((d: Json) => d.id)).toEqual([inFlight.headers['webhook-id']])
    second.child.kill('SIGTERM')
    expect((await once(second.child, 'exit'))[0]).toBe(0)
  })
})
