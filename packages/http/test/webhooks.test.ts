import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { closedPort, type Received, startReceiver } from '../../core/test/_receiver.js'
import { type Json, jsonInit, startServer, type TestServer } from './_server.js'

const LOCAL = { webhooks: { allowHosts: ['127.0.0.1'] } }

/** Resolves once `ready()` holds, polling (bounded). */
async function waitFor<T>(ready: () => T | undefined | false, what: string): Promise<T> {
  const until = Date.now() + 10_000
  for (;;) {
    const value = ready()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function createEndpoint(t: TestServer, body: Json): Promise<Json> {
  const res = await t.api('/api/webhooks/', jsonInit('POST', body))
  expect(res.status).toBe(201)
  return (await res.json()) as Json
}

async function call(t: TestServer, path: string, init?: RequestInit): Promise<Json> {
  return (await (await t.api(path, init)).json()) as Json
}

/** Verifies a received delivery with the standardwebhooks package; returns its parsed body. */
function verified(request: Received, secret: string): Json {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Json
}

const ENDPOINT_FIELDS = [
  'active',
  'created_at',
  'description',
  'disabled_reason',
  'event_types',
  'failing_since',
  'failure_count',
  'id',
  'per_row_events',
  'previous_secrets_expire_at',
  'rate_limit',
  'updated_at',
  'url',
]

describe('the webhooks REST API', () => {
  it('creates, lists, reads, changes and deletes endpoints, showing the secret only on creation', async () => {
    const t = await startServer({}, LOCAL)
    const created = await createEndpoint(t, {
      url: 'http://127.0.0.1:9/hooks',
      event_types: ['product.created', 'product.deleted'],
      description: 'shop sync',
      rate_limit: 50,
      per_row_events: true,
    })
    expect(created).toMatchObject({
      url: 'http://127.0.0.1:9/hooks',
      event_types: ['product.created', 'product.deleted'],
      active: true,
      description: 'shop sync',
      rate_limit: 50,
      per_row_events: true,
      disabled_reason: null,
      failure_count: 0,
      failing_since: null,
    })
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)

    const list = (await call(t, '/api/webhooks')) as Json[]
    expect(list.map((e) => e.id)).toEqual([created.id])
    expect(Object.keys(list[0]!).sort()).toEqual(ENDPOINT_FIELDS)

    const got = await call(t, `/api/webhooks/${created.id}`)
    expect(got).toEqual(list[0])
    expect(got.secret).toBeUndefined()

    const patched = await t.api(
      `/api/webhooks/${created.id}/`,
      jsonInit('PATCH', { active: false, description: 'paused' }),
    )
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({
      active: false,
      description: 'paused',
      event_types: ['product.created', 'product.deleted'],
      rate_limit: 50,
    })

    // PUT replaces every setting; fields it does not take (an endpoint as read back) are refused.
    const readBack = await t.api(
      `/api/webhooks/${created.id}`,
      jsonInit('PUT', { ...got, url: 'http://127.0.0.1:9/other' }),
    )
    expect(readBack.status).toBe(400)
    expect(((await readBack.json()) as Json).error.message).toContain('Unknown key')
    const whole = {
      url: 'http://127.0.0.1:9/other',
      event_types: [],
      active: true,
      description: '',
      rate_limit: null,
      per_row_events: false,
    }
    const replaced = await t.api(`/api/webhooks/${created.id}`, jsonInit('PUT', whole))
    expect(replaced.status).toBe(200)
    expect(await replaced.json()).toMatchObject({
      url: 'http://127.0.0.1:9/other',
      event_types: [],
      active: true,
      description: '',
      rate_limit: null,
      per_row_events: false,
    })

    expect((await t.api(`/api/webhooks/${created.id}/`, { method: 'DELETE' })).status).toBe(204)
    const gone = await t.api(`/api/webhooks/${created.id}/`)
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as Json).error.code).toBe('NOT_FOUND')
    expect(await call(t, '/api/webhooks/')).toEqual([])
  })

  it("accepts the older product's request shape and event names", async () => {
    const t = await startServer({}, LOCAL)
    const created = await createEndpoint(t, {
      url: 'http://127.0.0.1:9/legacy',
      event_type: 'product_created',
      active: true,
    })
    expect(created).toMatchObject({ event_types: ['product.created'], active: true })
    const changed = await call(
      t,
      `/api/webhooks/${created.id}/`,
      jsonInit('PATCH', { url: 'http://127.0.0.1:9/legacy', event_type: 'import_completed' }),
    )
    expect(changed.event_types).toEqual(['import.completed'])
  })

  it('refuses a PUT that leaves fields out, naming each, and changes nothing', async () => {
    const t = await startServer({}, LOCAL)
    const created = await createEndpoint(t, {
      url: 'http://127.0.0.1:9/kept',
      event_types: ['product.created'],
      description: 'shop',
      rate_limit: 5,
      per_row_events: true,
    })
    await call(t, `/api/webhooks/${created.id}/`, jsonInit('PATCH', { active: false }))
    const before = await call(t, `/api/webhooks/${created.id}/`)

    const partial = await t.api(
      `/api/webhooks/${created.id}/`,
      jsonInit('PUT', { url: 'http://127.0.0.1:9/other' }),
    )
    expect(partial.status).toBe(400)
    const error = ((await partial.json()) as Json).error
    expect(error.code).toBe('VALIDATION_FAILED')
    const missing = ['event_types', 'active', 'description', 'rate_limit', 'per_row_events']
    for (const field of missing) expect(error.message).toContain(`${field}:`)
    expect(error.details.issues.map((issue: Json) => issue.path[0]).sort()).toEqual(
      [...missing].sort(),
    )
    // The older one-event shape is for creation only: PUT still wants event_types.
    const legacy = await t.api(
      `/api/webhooks/${created.id}/`,
      jsonInit('PUT', {
        url: 'http://127.0.0.1:9/kept',
        event_type: 'product_created',
        active: true,
        description: '',
        rate_limit: null,
        per_row_events: false,
      }),
    )
    expect(legacy.status).toBe(400)
    expect(((await legacy.json()) as Json).error.message).toContain('event_types:')
    expect(await call(t, `/api/webhooks/${created.id}/`)).toEqual(before)
    expect(before).toMatchObject({ active: false, rate_limit: 5, per_row_events: true })
  })

  it('refuses bad endpoints with a clear error and stores nothing', async () => {
    const t = await startServer({}, LOCAL)
    const cases: [Json, string][] = [
      [{ event_types: ['product.created'] }, 'VALIDATION_FAILED'],
      [{ url: 'not a url' }, 'VALIDATION_FAILED'],
      [{ url: 'http://127.0.0.1:9/', event_types: ['product.exploded'] }, 'VALIDATION_FAILED'],
      [{ url: 'http://127.0.0.1:9/', rate_limit: -1 }, 'VALIDATION_FAILED'],
      [{ url: 'https://10.0.0.1/hook' }, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: 'http://169.254.169.254/latest/meta-data/' }, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: 'https://[::ffff:10.0.0.1]/hook' }, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: 'ftp://127.0.0.1/hook' }, 'WEBHOOK_URL_FORBIDDEN'],
    ]
    for (const [body, code] of cases) {
      const res = await t.api('/api/webhooks/', jsonInit('POST', body))
      const error = ((await res.json()) as Json).error
      expect({ body, status: res.status, code: error.code }).toEqual({ body, status: 400, code })
      expect(error.message).not.toBe('')
    }
    expect(await call(t, '/api/webhooks/')).toEqual([])

    // A change to a forbidden URL is refused too, and leaves the endpoint as it was.
    const endpoint = await createEndpoint(t, { url: 'http://127.0.0.1:9/hook' })
    for (const url of ['https://10.0.0.1/', 'http://169.254.169.254/']) {
      const res = await t.api(`/api/webhooks/${endpoint.id}/`, jsonInit('PATCH', { url }))
      expect(res.status).toBe(400)
      expect(((await res.json()) as Json).error.code).toBe('WEBHOOK_URL_FORBIDDEN')
    }
    expect((await call(t, `/api/webhooks/${endpoint.id}/`)).url).toBe('http://127.0.0.1:9/hook')
  })

  it('refuses the metadata address even when it is allowlisted, and localhost without the allowlist', async () => {
    const t = await startServer({}, { webhooks: { allowHosts: ['169.254.169.254'] } })
    for (const url of [
      'http://169.254.169.254/',
      'https://localhost/hook',
      'http://localhost:9/',
    ]) {
      const res = await t.api('/api/webhooks/', jsonInit('POST', { url }))
      expect({ url, status: res.status, code: ((await res.json()) as Json).error.code }).toEqual({
        url,
        status: 400,
        code: 'WEBHOOK_URL_FORBIDDEN',
      })
    }
  })

  it('delivers a product created through the API to the receiver, signed', async () => {
    const receiver = await startReceiver()
    const t = await startServer({}, LOCAL)
    const endpoint = await createEndpoint(t, {
      url: `${receiver.origin}/hook`,
      event_types: ['product.created', 'product.deleted'],
    })
    const product = await call(
      t,
      '/api/products/',
      jsonInit('POST', { sku: 'HOOK-1', name: 'Hooked', price: '9.99' }),
    )
    const request = await waitFor(() => receiver.received[0], 'the delivery')
    const body = verified(request, endpoint.secret)
    expect(body.type).toBe('product.created')
    expect(body.data).toMatchObject({ id: product.id, sku: 'HOOK-1', name: 'Hooked' })
    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    // A deletion through the API arrives the same way.
    await t.api(`/api/products/${product.id}/`, { method: 'DELETE' })
    await waitFor(() => receiver.received.length === 2 && receiver.received[1], 'the deletion')
    expect(verified(receiver.received[1]!, endpoint.secret)).toMatchObject({
      type: 'product.deleted',
    })
  })

  it("answers the test route with the receiver's status code and time, or the error", async () => {
    const receiver = await startReceiver((_, res) => res.writeHead(202).end('accepted'))
    const t = await startServer({}, LOCAL)
    const endpoint = await createEndpoint(t, { url: `${receiver.origin}/hook` })
    const res = await t.api(`/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
    expect(res.status).toBe(200)
    const result = (await res.json()) as Json
    expect(result).toMatchObject({ ok: true, status_code: 202, error: null })
    expect(result.response_time_ms).toBeGreaterThanOrEqual(0)
    expect(receiver.received).toHaveLength(1)
    expect(verified(receiver.received[0]!, endpoint.secret)).toMatchObject({ type: 'webhook.test' })
    expect(receiver.received[0]!.headers['webhook-id']).toBe(result.delivery_id)

    const dead = await createEndpoint(t, { url: `http://127.0.0.1:${await closedPort()}/` })
    const failed = await call(t, `/api/webhooks/${dead.id}/test`, { method: 'POST' })
    expect(failed).toMatchObject({ ok: false, status_code: null })
    expect(failed.error).toEqual(expect.any(String))

    const missing = await t.api(`/api/webhooks/${crypto.randomUUID()}/test/`, { method: 'POST' })
    expect(missing.status).toBe(404)
  })

  it('lists attempts newest first, paginated, with the WebhookLog field names', async () => {
    let status = 500
    const receiver = await startReceiver((_, res) => res.writeHead(status).end())
    const t = await startServer({}, LOCAL)
    const endpoint = await createEndpoint(t, { url: `${receiver.origin}/hook` })
    const first = await call(t, `/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
    status = 204
    const second = await call(t, `/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })

    const logs = await call(t, `/api/webhooks/${endpoint.id}/logs/`)
    expect(logs).toMatchObject({ limit: 50, offset: 0 })
    expect(logs.items).toHaveLength(2)
    expect(Object.keys(logs.items[0]).sort()).toEqual([
      'created_at',
      'delivery_id',
      'error_message',
      'event_type',
      'response_time_ms',
      'status_code',
    ])
    expect(logs.items[0]).toMatchObject({
      delivery_id: second.delivery_id,
      event_type: 'webhook.test',
      status_code: 204,
      error_message: null,
    })
    expect(logs.items[1]).toMatchObject({ delivery_id: first.delivery_id, status_code: 500 })
    expect(logs.items[1].error_message).toEqual(expect.any(String))

    const page = await call(t, `/api/webhooks/${endpoint.id}/logs?limit=1&offset=1`)
    expect(page.items.map((a: Json) => a.delivery_id)).toEqual([first.delivery_id])
    const bad = await t.api(`/api/webhooks/${endpoint.id}/logs/?limit=0`)
    expect(bad.status).toBe(400)
  })

  it('lists deliveries by status, and redelivers one with the same webhook-id', async () => {
    let status = 500
    const receiver = await startReceiver((_, res) => res.writeHead(status).end())
    const t = await startServer({}, { webhooks: { ...LOCAL.webhooks, policy: { schedule: [0] } } })
    const endpoint = await createEndpoint(t, { url: `${receiver.origin}/hook` })
    const test = await call(t, `/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
    expect(test.ok).toBe(false)

    const failed = await call(t, `/api/webhooks/${endpoint.id}/deliveries/?status=failed`)
    expect(failed.items.map((d: Json) => d.id)).toEqual([test.delivery_id])
    expect(failed.items[0]).toMatchObject({
      event_type: 'webhook.test',
      status: 'failed',
      attempts: 1,
      last_status_code: 500,
    })
    expect(
      (await call(t, `/api/webhooks/${endpoint.id}/deliveries?status=delivered`)).items,
    ).toEqual([])

    status = 200
    const res = await t.api(
      `/api/webhooks/${endpoint.id}/deliveries/${test.delivery_id}/redeliver`,
      { method: 'POST' },
    )
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ id: test.delivery_id, status: 'pending' })
    await waitFor(() => receiver.received.length === 2, 'the redelivery')
    expect(receiver.received[1]!.headers['webhook-id']).toBe(test.delivery_id)
    verified(receiver.received[1]!, endpoint.secret)

    const unknown = await t.api(
      `/api/webhooks/${endpoint.id}/deliveries/msg_${'0'.repeat(32)}/redeliver/`,
      { method: 'POST' },
    )
    expect(unknown.status).toBe(404)
  })

  it('recovers the failed deliveries since a time', async () => {
    let status = 503
    const receiver = await startReceiver((_, res) => res.writeHead(status).end())
    const t = await startServer({}, { webhooks: { ...LOCAL.webhooks, policy: { schedule: [0] } } })
    const endpoint = await createEndpoint(t, { url: `${receiver.origin}/hook` })
    const before = new Date(Date.now() - 1000).toISOString()
    for (let i = 0; i < 3; i++) {
      await t.api(`/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
    }
    expect(
      (await call(t, `/api/webhooks/${endpoint.id}/deliveries/?status=failed`)).items,
    ).toHaveLength(3)
    const later = await t.api(
      `/api/webhooks/${endpoint.id}/recover`,
      jsonInit('POST', { since: new Date(Date.now() + 60_000).toISOString() }),
    )
    expect(await later.json()).toEqual({ requeued: 0 })

    status = 204
    const res = await t.api(
      `/api/webhooks/${endpoint.id}/recover/`,
      jsonInit('POST', { since: before }),
    )
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ requeued: 3 })
    await waitFor(() => receiver.received.length === 6, 'the recovered deliveries')
    const ids = receiver.received.map((r) => r.headers['webhook-id'])
    expect(new Set(ids.slice(3))).toEqual(new Set(ids.slice(0, 3)))

    const bad = await t.api(
      `/api/webhooks/${endpoint.id}/recover`,
      jsonInit('POST', { since: 'yesterday' }),
    )
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as Json).error.code).toBe('VALIDATION_FAILED')
  })

  it('rotates the secret: both sign during the grace period, and the secret route shows the new one', async () => {
    const receiver = await startReceiver()
    const t = await startServer({}, LOCAL)
    const endpoint = await createEndpoint(t, { url: `${receiver.origin}/hook` })
    expect(await call(t, `/api/webhooks/${endpoint.id}/secret`)).toEqual({
      secret: endpoint.secret,
    })

    const res = await t.api(`/api/webhooks/${endpoint.id}/rotate-secret`, { method: 'POST' })
    expect(res.status).toBe(200)
    const rotated = (await res.json()) as Json
    expect(rotated.secret).toMatch(/^whsec_/)
    expect(rotated.secret).not.toBe(endpoint.secret)
    expect(await call(t, `/api/webhooks/${endpoint.id}/secret/`)).toEqual({
      secret: rotated.secret,
    })

    await call(t, `/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
    const request = receiver.received[0]!
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2)
    verified(request, endpoint.secret)
    verified(request, rotated.secret)

    // Without a grace period the old secret stops signing at once.
    const again = await call(
      t,
      `/api/webhooks/${endpoint.id}/rotate-secret/`,
      jsonInit('POST', { grace_period_ms: 0 }),
    )
    await call(t, `/api/webhooks/${endpoint.id}/test/`, { method: 'POST' })
    const last = receiver.received[1]!
    verified(last, again.secret)
    expect(() => verified(last, rotated.secret)).toThrow()

    const bad = await t.api(
      `/api/webhooks/${endpoint.id}/rotate-secret`,
      jsonInit('POST', { grace_period_ms: -5 }),
    )
    expect(bad.status).toBe(400)
  })
})
