import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createProductImporter, type ImporterStorage } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { expect, it } from 'vitest'
import { tempDir } from './helpers.js'

/** Resolves once `check` holds, checking every 10 ms for at most 5 s. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10)
  expect(check()).toBe(true)
}

it('runs searches of one kind a few at a time, queues a few more and refuses the rest', async () => {
  await using storage = sqliteStorage({ filename: join(tempDir(), 'products.db') })
  await storage.migrate()
  // A storage whose listings hang until let go, as slow searches on a busy database do.
  let letGo!: () => void
  const gate = new Promise<void>((resolve) => {
    letGo = resolve
  })
  let started = 0
  const slow: ImporterStorage = {
    ...storage,
    async listProducts(query) {
      started++
      await gate
      return storage.listProducts(query)
    },
  }
  const importer = createProductImporter({
    storage: slow,
    migrate: false,
    searchLimit: { concurrent: 2, waiting: 1, retryAfterS: 3 },
  })
  const running = [importer.products.list({ name: 'a' }), importer.products.list({ name: 'b' })]
  await until(() => started === 2)
  const client = new AbortController()
  const leaving = importer.products.list({ name: 'c', signal: client.signal })
  await expect(importer.products.list({ name: 'd' })).rejects.toMatchObject({
    code: 'BUSY',
    details: { retryAfterS: 3 },
  })
  // A waiter whose caller has gone leaves its place in the queue to the next one.
  client.abort()
  await expect(leaving).rejects.toMatchObject({ code: 'CANCELLED' })
  const queued = importer.products.list({ name: 'e' })
  // Other kinds, and lists without a text filter, are not held by this kind's limit.
  const others = [importer.products.list({ q: 'a' }), importer.products.list({ active: true })]
  await until(() => started === 4)
  letGo()
  const pages = await Promise.all([...running, queued, ...others])
  expect(pages.map((page) => page.total)).toEqual([0, 0, 0, 0, 0])
  expect(started).toBe(5)
  await importer.close()
})
