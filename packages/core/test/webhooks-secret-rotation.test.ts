import { MAX_PREVIOUS_WEBHOOK_SECRETS } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { type Received, startReceiver } from './_receiver.js'
import { createTestClock, localWebhooks, verifiedEvent } from './_webhook-sdk.js'
import { importerOn, onBothStorages, type StorageKind } from './both-storages.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

async function setUp(kind: StorageKind) {
  const clock = createTestClock()
  const importer = await importerOn(kind, { webhooks: localWebhooks({ now: clock.now }) })
  const receiver = await startReceiver()
  const endpoint = await importer.webhooks.create({ url: `${receiver.origin}/in` })
  /** Sends one test event and returns what the receiver got. */
  const deliver = async (): Promise<Received> => {
    expect((await importer.webhooks.test(endpoint.id)).ok).toBe(true)
    return receiver.received.at(-1)!
  }
  return { clock, importer, endpoint, deliver }
}

/** Whether the `standardwebhooks` package accepts the delivery for a receiver holding `secret`. */
function verifies(request: Received, secret: string): boolean {
  try {
    verifiedEvent(request, secret)
    return true
  } catch {
    return false
  }
}

const signatures = (request: Received) => String(request.headers['webhook-signature']).split(' ')

onBothStorages((kind) => {
  describe('secret rotation', () => {
    it('keeps signing with the secret receivers hold after two rotations, until its own grace period ends', async () => {
      const { clock, importer, endpoint, deliver } = await setUp(kind)
      const s0 = endpoint.secret
      const s1 = (await importer.webhooks.rotateSecret(endpoint.id, { gracePeriodMs: HOUR })).secret
      clock.advance(MINUTE)
      const s2 = (await importer.webhooks.rotateSecret(endpoint.id, { gracePeriodMs: 2 * HOUR }))
        .secret

      const during = await deliver()
      expect(signatures(during)).toHaveLength(3)
      expect([s2, s1, s0].map((secret) => verifies(during, secret))).toEqual([true, true, true])
      expect((await importer.webhooks.get(endpoint.id))?.previousSecretsExpireAt).toHaveLength(2)

      // S0's hour is over, S1's two hours are not: S0 signs no more.
      clock.advance(HOUR)
      const after = await deliver()
      expect(signatures(after)).toHaveLength(2)
      expect([s2, s1, s0].map((secret) => verifies(after, secret))).toEqual([true, true, false])
      // S1 was rotated out a minute in, for two hours.
      expect((await importer.webhooks.get(endpoint.id))?.previousSecretsExpireAt).toEqual([
        new Date(clock.now().getTime() + HOUR),
      ])

      // The next rotation prunes S0 from storage as well.
      await importer.webhooks.rotateSecret(endpoint.id, { gracePeriodMs: HOUR })
      const stored = await importer.storage.getWebhookEndpoint(endpoint.id)
      expect(stored?.previousSecrets.map((previous) => previous.secret)).toEqual([s2, s1])
    })

    it(`keeps the ${MAX_PREVIOUS_WEBHOOK_SECRETS} newest previous secrets at most`, async () => {
      const { importer, endpoint, deliver } = await setUp(kind)
      const secrets = [endpoint.secret]
      for (let n = 0; n < MAX_PREVIOUS_WEBHOOK_SECRETS + 2; n++) {
        secrets.push((await importer.webhooks.rotateSecret(endpoint.id)).secret)
      }
      const request = await deliver()
      expect(signatures(request)).toHaveLength(MAX_PREVIOUS_WEBHOOK_SECRETS + 1)
      expect(secrets.map((secret) => verifies(request, secret))).toEqual([
        false,
        false,
        ...Array(MAX_PREVIOUS_WEBHOOK_SECRETS + 1).fill(true),
      ])
    })

    it('keeps every secret that rotations at once handed out', async () => {
      const { importer, endpoint, deliver } = await setUp(kind)
      const rotations = await Promise.all(
        [1, 2, 3].map(() => importer.webhooks.rotateSecret(endpoint.id)),
      )
      const request = await deliver()
      const handedOut = [endpoint.secret, ...rotations.map((rotated) => rotated.secret)]
      expect(new Set(handedOut).size).toBe(4)
      expect(handedOut.map((secret) => verifies(request, secret))).toEqual([true, true, true, true])
      expect(rotations.map((rotated) => rotated.secret)).toContain(
        await importer.webhooks.secret(endpoint.id),
      )
    })
  })
})
