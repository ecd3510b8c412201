import {
  createWebhookSecret,
  createWebhookSender,
  isImporterError,
  type ProductEventData,
  signWebhook,
  toWebhookBody,
  webhookSecretKey,
} from '@product-importer/core'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { closeAfter, startReceiver } from './_receiver.js'

const localOnly = { guard: { allowHttp: true, allowHosts: ['127.0.0.1'] } }

function localSender() {
  const sender = createWebhookSender(localOnly)
  closeAfter(sender)
  return sender
}

describe('webhook signing secrets', () => {
  it('are whsec_ and the base64 of 32 random bytes', () => {
    const secret = createWebhookSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(webhookSecretKey(secret)).toHaveLength(32)
    expect(createWebhookSecret()).not.toBe(secret)
  })

  it('refuses a secret that is not whsec_ and base64', () => {
    for (const secret of ['', 'whsec_', 'secret', `whsec_${'!'.repeat(44)}`, 'whsec_c2hvcnQ=']) {
      let error: unknown
      try {
        webhookSecretKey(secret)
      } catch (caught) {
        error = caught
      }
      expect(isImporterError(error, 'VALIDATION_FAILED'), secret).toBe(true)
    }
  })
})

describe('Standard Webhooks signatures', () => {
  it('delivers a body of type, timestamp and data that standardwebhooks verifies', async () => {
    const receiver = await startReceiver()
    const secret = createWebhookSecret()
    const occurredAt = new Date('2026-11-29T10:00:00.000Z')
    const body = toWebhookBody(
      'product.created',
      { sku: 'LAMP-1', name: 'Lampe à huile' } as ProductEventData,
      occurredAt,
    )
    const headers = signWebhook({ id: 'evt_1', body, secrets: [secret], at: new Date() })

    const outcome = await localSender().send({ url: `${receiver.origin}/hook`, body, headers })

    expect(outcome).toMatchObject({ ok: true, statusCode: 204, errorKind: null })
    const [request] = receiver.received
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['webhook-id']).toBe('evt_1')
    const verified = new Webhook(secret).verify(
      request!.body,
      request!.headers as Record<string, string>,
    )
    expect(verified).toEqual({
      type: 'product.created',
      timestamp: '2026-11-29T10:00:00.000Z',
      data: { sku: 'LAMP-1', name: 'Lampe à huile' } as ProductEventData,
    })
  })

  it('signs with both secrets during a rotation, so receivers holding either one verify', async () => {
    const receiver = await startReceiver()
    const [previous, next] = [createWebhookSecret(), createWebhookSecret()]
    const body = toWebhookBody('webhook.test', { endpoint_id: 'e1' }, new Date())
    const headers = signWebhook({ id: 'evt_2', body, secrets: [next, previous], at: new Date() })

    await localSender().send({ url: receiver.origin, body, headers })

    const request = receiver.received[0]!
    const signatures = String(request.headers['webhook-signature']).split(' ')
    expect(signatures).toHaveLength(2)
    expect(signatures.every((signature) => signature.startsWith('v1,'))).toBe(true)
    for (const secret of [previous, next]) {
      expect(
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).toMatchObject({
        type: 'webhook.test',
      })
    }
    expect(() =>
      new Webhook(createWebhookSecret()).verify(
        request.body,
        request.headers as Record<string, string>,
      ),
    ).toThrow(/No matching signature/)
  })

  it('keeps webhook-id across attempts and puts the attempt time in webhook-timestamp', () => {
    const secret = createWebhookSecret()
    const body = toWebhookBody('product.deleted', { id: 'p1' } as ProductEventData, new Date())
    const first = signWebhook({
      id: 'evt_3',
      body,
      secrets: [secret],
      at: new Date('2026-01-01T00:00:00Z'),
    })
    const retry = signWebhook({
      id: 'evt_3',
      body,
      secrets: [secret],
      at: new Date('2026-01-01T00:05:00Z'),
    })
    expect(retry['webhook-id']).toBe(first['webhook-id'])
    expect(Number(retry['webhook-timestamp']) - Number(first['webhook-timestamp'])).toBe(300)
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature'])
  })

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook({ id: 'evt_4', body: '{}', secrets: [], at: new Date() })).toThrow(
      /at least one secret/,
    )
  })
})
