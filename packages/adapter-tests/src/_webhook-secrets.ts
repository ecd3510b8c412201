import { describe, expect, it } from 'vitest'
import { endpointRecord } from './_fixtures.js'
import type { CurrentTarget } from './types.js'

const NOW = new Date(Date.UTC(2024, 5, 1, 12))
const later = (ms: number) => new Date(NOW.getTime() + ms)
const HOUR = 3_600_000

/** The rotated-out secrets of an endpoint: every one in its grace period, kept across schemas. */
export function describeWebhookSecrets(target: CurrentTarget): void {
  describe('webhook secrets', () => {
    it('keeps every previous secret with its expiry, newest first', async () => {
      const t = target()
      const previousSecrets = [
        { secret: 'whsec_second', expiresAt: later(2 * HOUR) },
        { secret: 'whsec_first', expiresAt: later(HOUR) },
      ]
      const a = await t.storage.createWebhookEndpoint(endpointRecord({ previousSecrets }))
      expect((await t.storage.getWebhookEndpoint(a.id))?.previousSecrets).toEqual(previousSecrets)
      const [row] = await t.raw('SELECT previous_secrets FROM webhook_endpoints WHERE id = ?', [
        a.id,
      ])
      expect(JSON.parse(String(row?.previous_secrets))).toEqual([
        { secret: 'whsec_second', expires_at: later(2 * HOUR).toISOString() },
        { secret: 'whsec_first', expires_at: later(HOUR).toISOString() },
      ])
      const changed = await t.storage.updateWebhookEndpoint(a.id, { previousSecrets: [] })
      expect(changed?.previousSecrets).toEqual([])
    })

    it('changes an endpoint given ifSecret only while that is its secret', async () => {
      const t = target()
      const a = await t.storage.createWebhookEndpoint(endpointRecord())
      const rotation = {
        secret: 'whsec_next',
        previousSecrets: [{ secret: a.secret, expiresAt: later(HOUR) }],
      }
      expect(
        await t.storage.updateWebhookEndpoint(a.id, rotation, { ifSecret: 'whsec_other' }),
      ).toBeUndefined()
      const [kept] = await t.raw('SELECT secret FROM webhook_endpoints WHERE id = ?', [a.id])
      expect(kept?.secret).toBe(a.secret)
      expect(
        await t.storage.updateWebhookEndpoint(a.id, rotation, { ifSecret: a.secret }),
      ).toMatchObject(rotation)
      const [stored] = await t.raw('SELECT secret FROM webhook_endpoints WHERE id = ?', [a.id])
      expect(stored?.secret).toBe('whsec_next')
    })

    it('migrates the single previous secret of an earlier schema into the list, dropping an expired one', async () => {
      const t = target()
      const inGrace = await t.storage.createWebhookEndpoint(endpointRecord())
      const expired = await t.storage.createWebhookEndpoint(endpointRecord())
      const never = await t.storage.createWebhookEndpoint(endpointRecord())
      // The schema before the list: one previous secret and its expiry per endpoint.
      const time = t.storage.dialect === 'sqlite' ? 'integer' : 'timestamptz'
      await t.raw('ALTER TABLE webhook_endpoints DROP COLUMN previous_secrets')
      await t.raw('ALTER TABLE webhook_endpoints ADD COLUMN previous_secret text')
      await t.raw(`ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_expires_at ${time}`)
      await t.raw(
        "DELETE FROM product_importer_migrations WHERE name = '0008_webhook_previous_secrets'",
      )
      const expiresAt = new Date(Date.now() + HOUR)
      const set =
        'UPDATE webhook_endpoints SET previous_secret = ?, previous_secret_expires_at = ? WHERE id = ?'
      await t.raw(set, ['whsec_held', expiresAt, inGrace.id])
      await t.raw(set, ['whsec_gone', new Date(Date.now() - HOUR), expired.id])

      await t.storage.migrate()
      expect((await t.storage.getWebhookEndpoint(inGrace.id))?.previousSecrets).toEqual([
        { secret: 'whsec_held', expiresAt },
      ])
      expect((await t.storage.getWebhookEndpoint(expired.id))?.previousSecrets).toEqual([])
      expect((await t.storage.getWebhookEndpoint(never.id))?.previousSecrets).toEqual([])
      expect(await t.storage.getWebhookEndpoint(inGrace.id)).toMatchObject({
        secret: inGrace.secret,
        url: inGrace.url,
      })
    })
  })
}
