import {
  assertWebhookUrl,
  createWebhookSender,
  createWebhookUrlGuard,
  isImporterError,
  type WebhookResolver,
  type WebhookUrlGuardOptions,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { closeAfter, startReceiver } from './_receiver.js'

const guard = createWebhookUrlGuard()

function senderWith(options: WebhookUrlGuardOptions) {
  const sender = createWebhookSender({ guard: options })
  closeAfter(sender)
  return sender
}

const attempt = (url: string) => ({ url, body: '{}', headers: {} })

/** Resolves every hostname to the given addresses, as a DNS server under an attacker's control could. */
const resolvesTo =
  (...addresses: string[]): WebhookResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const)

describe('SSRF guard: URLs', () => {
  it('accepts a public https URL', () => {
    expect(guard.check('https://hooks.example.com/in')).toBeUndefined()
    expect(guard.check('https://93.184.215.14:8443/in')).toBeUndefined()
    expect(guard.check('https://[2606:4700::1111]/in')).toBeUndefined()
  })

  it('accepts only http and https, and http only when allowed', () => {
    expect(guard.check('ftp://example.com/')).toMatchObject({ reason: 'scheme' })
    expect(guard.check('file:///etc/passwd')).toMatchObject({ reason: 'scheme' })
    expect(guard.check('http://example.com/')).toMatchObject({ reason: 'https_required' })
    expect(createWebhookUrlGuard({ allowHttp: true }).check('http://example.com/')).toBeUndefined()
    expect(guard.check('not a url')).toMatchObject({ reason: 'invalid_url' })
  })

  it('refuses a user name or password in the URL', () => {
    expect(guard.check('https://user:pass@example.com/')).toMatchObject({ reason: 'userinfo' })
    expect(guard.check('https://user@example.com/')).toMatchObject({ reason: 'userinfo' })
  })

  it.each([
    ['loopback', 'https://127.0.0.1/'],
    ['loopback', 'https://127.255.0.9/'],
    ['loopback', 'https://[::1]/'],
    ['private', 'https://10.0.0.1/'],
    ['private', 'https://172.16.5.4/'],
    ['private', 'https://172.31.255.255/'],
    ['private', 'https://192.168.1.1/'],
    ['link-local', 'https://169.254.1.1/'],
    ['link-local', 'https://[fe80::1]/'],
    ['metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['metadata', 'https://[fd00:ec2::254]/'],
    ['cgnat', 'https://100.64.0.1/'],
    ['cgnat', 'https://100.127.255.254/'],
    ['multicast', 'https://224.0.0.1/'],
    ['multicast', 'https://[ff02::1]/'],
    ['unspecified', 'https://0.0.0.0/'],
    ['unspecified', 'https://[::]/'],
    ['unique-local', 'https://[fc00::1]/'],
    ['unique-local', 'https://[fd12:3456::1]/'],
    ['documentation', 'https://192.0.2.10/'],
    ['documentation', 'https://[2001:db8::1]/'],
    ['reserved', 'https://255.255.255.255/'],
    ['reserved', 'https://240.0.0.1/'],
    ['reserved', 'https://198.18.0.1/'],
  ])('refuses a %s address as an IP literal (%s)', (kind, url) => {
    expect(guard.check(url)).toMatchObject({ reason: 'forbidden_address', kind })
  })

  it.each([
    ['IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/', 'loopback'],
    ['IPv4-mapped IPv6 in hex', 'https://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['IPv4-mapped private', 'https://[::ffff:10.0.0.1]/', 'private'],
    ['IPv4-translated IPv6', 'https://[::ffff:0:7f00:1]/', 'loopback'],
    ['IPv4-compatible IPv6', 'https://[::127.0.0.1]/', 'loopback'],
    ['NAT64', 'https://[64:ff9b::192.168.0.1]/', 'private'],
    ['6to4', 'https://[2002:7f00:1::]/', 'loopback'],
    ['Teredo', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'reserved'],
    ['decimal IPv4', 'https://2130706433/', 'loopback'],
    ['hex IPv4', 'https://0x7f.0.0.1/', 'loopback'],
    ['octal IPv4', 'https://0177.0.0.1/', 'loopback'],
    ['short IPv4', 'https://127.1/', 'loopback'],
    ['trailing dot', 'https://127.0.0.1./', 'loopback'],
    ['hex metadata', 'https://0xa9fea9fe/', 'metadata'],
  ])('refuses the %s form (%s)', (_, url, kind) => {
    expect(guard.check(url)).toMatchObject({ reason: 'forbidden_address', kind })
  })

  it('lets the allowlist open addresses, ranges and hostnames', () => {
    const local = createWebhookUrlGuard({
      allowHttp: true,
      allowHosts: ['127.0.0.1', '10.1.0.0/16', 'Internal.Example.'],
    })
    expect(local.check('http://127.0.0.1:8080/')).toBeUndefined()
    expect(local.check('http://[::ffff:127.0.0.1]/')).toBeUndefined()
    expect(local.check('http://10.1.200.3/')).toBeUndefined()
    expect(local.check('http://10.2.0.1/')).toMatchObject({ kind: 'private' })
    expect(local.check('http://127.0.0.2/')).toMatchObject({ kind: 'loopback' })
  })

  it('refuses 169.254.169.254 even when the allowlist names it', () => {
    const permissive = createWebhookUrlGuard({
      allowHttp: true,
      allowHosts: ['169.254.169.254', '169.254.0.0/16', '0.0.0.0/0'],
    })
    expect(permissive.check('http://169.254.169.254/')).toMatchObject({ kind: 'metadata' })
    expect(permissive.check('http://[::ffff:169.254.169.254]/')).toMatchObject({ kind: 'metadata' })
    expect(permissive.check('http://169.254.10.10/')).toBeUndefined()
  })
})

describe('SSRF guard: saving an endpoint', () => {
  it('throws WEBHOOK_URL_FORBIDDEN with the reason as details', async () => {
    const error = await assertWebhookUrl('https://192.168.0.10/hook', guard).catch(
      (e: unknown) => e,
    )
    expect(isImporterError(error, 'WEBHOOK_URL_FORBIDDEN')).toBe(true)
    expect(error).toMatchObject({
      message: expect.stringContaining('192.168.0.10 is a private address'),
      details: { reason: 'forbidden_address', kind: 'private', address: '192.168.0.10' },
    })
  })

  it('resolves the hostname and refuses one that points inside', async () => {
    const internal = createWebhookUrlGuard({ resolve: resolvesTo('10.0.0.5') })
    const error = await assertWebhookUrl('https://hooks.example.test/', internal).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      code: 'WEBHOOK_URL_FORBIDDEN',
      message:
        'hooks.example.test resolves to no permitted address: 10.0.0.5 is a private address; allow the host explicitly to target it',
      details: { kind: 'private', address: '10.0.0.5', host: 'hooks.example.test' },
    })
  })

  it('accepts a public hostname and one that does not resolve yet', async () => {
    const outside = createWebhookUrlGuard({ resolve: resolvesTo('93.184.215.14') })
    await expect(assertWebhookUrl('https://hooks.example.test/', outside)).resolves.toBe(
      'https://hooks.example.test/',
    )
    const unknown = createWebhookUrlGuard({
      resolve: async () => {
        throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })
      },
    })
    await expect(assertWebhookUrl('https://not-yet.example.test/', unknown)).resolves.toBeTruthy()
  })
})

describe('SSRF guard: sending', () => {
  it('refuses an IP-literal URL without connecting', async () => {
    const receiver = await startReceiver()
    const outcome = await senderWith({ allowHttp: true }).send(attempt(receiver.origin))
    expect(outcome).toMatchObject({ ok: false, statusCode: null, errorKind: 'forbidden_address' })
    expect(receiver.received).toHaveLength(0)
  })

  it('refuses a hostname that resolves to 127.0.0.1 without the allowlist', async () => {
    const receiver = await startReceiver()
    const outcome = await senderWith({ allowHttp: true, resolve: resolvesTo('127.0.0.1') }).send(
      attempt(`http://hooks.example.test:${receiver.port}/`),
    )
    expect(outcome).toMatchObject({ ok: false, errorKind: 'forbidden_address' })
    expect(outcome.errorMessage).toContain('127.0.0.1 is a loopback address')
    expect(receiver.received).toHaveLength(0)
  })

  it('delivers to a hostname resolving to 127.0.0.1 once the allowlist names it', async () => {
    const receiver = await startReceiver()
    for (const allowHosts of [['127.0.0.1'], ['hooks.example.test']]) {
      const outcome = await senderWith({
        allowHttp: true,
        allowHosts,
        resolve: resolvesTo('127.0.0.1'),
      }).send(attempt(`http://hooks.example.test:${receiver.port}/`))
      expect(outcome, allowHosts[0]).toMatchObject({ ok: true, statusCode: 204 })
    }
    expect(receiver.received).toHaveLength(2)
    expect(receiver.received[0]?.headers.host).toBe(`hooks.example.test:${receiver.port}`)
  })

  it('checks localhost through the system resolver', async () => {
    const receiver = await startReceiver()
    const url = `http://localhost:${receiver.port}/`
    expect(await senderWith({ allowHttp: true }).send(attempt(url))).toMatchObject({
      errorKind: 'forbidden_address',
    })
    expect(
      await senderWith({ allowHttp: true, allowHosts: ['localhost'] }).send(attempt(url)),
    ).toMatchObject({
      ok: true,
    })
    expect(receiver.received).toHaveLength(1)
  })

  it('connects only to permitted addresses when a name resolves to several', async () => {
    const receiver = await startReceiver()
    const outcome = await senderWith({
      allowHttp: true,
      allowHosts: ['127.0.0.1'],
      resolve: resolvesTo('169.254.169.254', '10.0.0.1', '127.0.0.1'),
    }).send(attempt(`http://hooks.example.test:${receiver.port}/`))
    expect(outcome).toMatchObject({ ok: true, statusCode: 204 })
  })

  it('refuses a name resolving to 169.254.169.254 even when the name is allowlisted', async () => {
    const outcome = await senderWith({
      allowHttp: true,
      allowHosts: ['metadata.example.test', '169.254.169.254'],
      resolve: resolvesTo('169.254.169.254'),
    }).send(attempt('http://metadata.example.test/latest/meta-data/'))
    expect(outcome).toMatchObject({ ok: false, errorKind: 'forbidden_address' })
    expect(outcome.errorMessage).toContain('cloud metadata')
  })

  it('checks again at connect time, so a name rebound after saving is refused', async () => {
    const receiver = await startReceiver()
    let answers = 0
    // First answer public (the check when saving), every later one loopback (the send).
    const rebinding: WebhookResolver = async () => [
      { address: answers++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 },
    ]
    const options = { allowHttp: true, resolve: rebinding }
    const url = `http://rebind.example.test:${receiver.port}/`
    await expect(assertWebhookUrl(url, createWebhookUrlGuard(options))).resolves.toBe(url)
    const outcome = await senderWith(options).send(attempt(url))
    expect(outcome).toMatchObject({ ok: false, errorKind: 'forbidden_address' })
    expect(receiver.received).toHaveLength(0)
  })
})
