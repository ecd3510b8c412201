import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { type Received, startReceiver } from '../../core/test/_receiver.js'
import { type Json, jsonInit, startServer, type TestServer } from './_server.js'

const LOCAL = { webhooks: { allowHosts: ['127.0.0.1'] } }

async function call(t: TestServer, path: string, init?: RequestInit): Promise<Json> {
  const res = await t.api(path, init)
  expect(res.status).toBeLessThan(300)
  return (await res.json()) as Json
}

/** Whether the standardwebhooks package accepts the delivery for a receiver holding `secret`. */
function verifies(request: Received, secret: string): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>)
    return true
  } catch {
    return false
  }
}

describe('webhook secret rotation over HTTP', () => {
  it('keeps signing with the secret a receiver holds through two rotations, until its grace period ends', async () => {
    const receiver = await startReceiver()
    const t = await startServer({}, LOCAL)
    const created = await call(
      t,
      '/api/webhooks/',
      jsonInit('POST', { url: `${receiver.origin}/hook` }),
    )
    const base = `/api/webhooks/${created.id}`
    const s0 = created.secret as string
    const rotate = async (body: Json) =>
      (await call(t, `${base}/rotate-secret`, jsonInit('POST', body))).secret as string
    const test = async () => {
      await call(t, `${base}/test/`, { method: 'POST' })
      return receiver.received.at(-1)!
    }

    // S0 for a short grace period, then S1 for the default 24 h.
    const s1 = await rotate({ grace_period_ms: 1_500 })
    const s2 = await rotate({})
    expect(await call(t, `${base}/secret`)).toEqual({ secret: s2 })
    const during = await test()
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(3)
    expect([s0, s1, s2].map((secret) => verifies(during, secret))).toEqual([true, true, true])

    // Once S0's grace period is over, the endpoint lists one previous secret and S0 signs no more.
    const until = Date.now() + 10_000
    while (((await call(t, `${base}/`)).previous_secrets_expire_at as string[]).length > 1) {
      if (Date.now() > until) throw new Error('the short grace period never ended')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const after = await test()
    expect([s0, s1, s2].map((secret) => verifies(after, secret))).toEqual([false, true, true])
  })
})
