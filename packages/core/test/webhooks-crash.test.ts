import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createProductImporter } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { describe, expect, it } from 'vitest'
import { closeAfter, startReceiver } from './_receiver.js'
import { localWebhooks, verifiedEvent } from './_webhook-sdk.js'
import { freshPgUrl, onBothStorages } from './both-storages.js'
import { tempDir } from './helpers.js'

const child = fileURLToPath(new URL('./fixtures/drain-webhooks.mjs', import.meta.url))
const root = fileURLToPath(new URL('../../..', import.meta.url))

onBothStorages((kind) => {
  describe('a dispatcher process killed mid-delivery', () => {
    it('leaves the delivery to be sent again once its lease expires', async () => {
      const target = kind === 'sqlite' ? join(tempDir(), 'shop.db') : await freshPgUrl()
      let offset = 0
      const importer = createProductImporter({
        storage:
          kind === 'sqlite'
            ? sqliteStorage({ filename: target })
            : pgStorage({ connectionString: target }),
        webhooks: localWebhooks({ now: () => new Date(Date.now() + offset) }),
      })
      closeAfter(importer)
      let answer = false
      let arrived!: () => void
      const reached = new Promise<void>((resolve) => (arrived = resolve))
      const receiver = await startReceiver((_, response) => {
        arrived()
        if (answer) response.writeHead(200).end()
      })
      const endpoint = await importer.webhooks.create({ url: `${receiver.origin}/in` })
      await importer.products.create({ sku: 'MUG-1', name: 'Mug' })

      const doomed = spawn(process.execPath, [child, kind, target], { cwd: root, stdio: 'ignore' })
      const exited = new Promise((resolve) => doomed.on('exit', (_, signal) => resolve(signal)))
      await reached
      doomed.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')

      answer = true
      // The killed process still holds the lease: nobody sends it yet.
      expect(await importer.webhooks.drain()).toBe(0)
      offset = 61_000
      expect(await importer.webhooks.drain()).toBe(1)

      const [killed, resent] = receiver.received
      expect(resent?.headers['webhook-id']).toBe(killed?.headers['webhook-id'])
      expect(verifiedEvent(resent!, endpoint.secret).data).toMatchObject({ sku: 'MUG-1' })
      expect(await importer.webhooks.deliveries(endpoint.id)).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 1 }),
      ])
    })
  })
})
