import { afterEach, beforeEach, describe } from 'vitest'
import { describeConditionalUpdates } from './_conditional-updates.js'
import { describeImportBatches } from './_import-batches.js'
import { describeImportWriter } from './_import-writer.js'
import { describeJobHeartbeat } from './_job-heartbeat.js'
import { describeJobs } from './_jobs.js'
import { describeMappings } from './_mappings.js'
import { describePerRowEvents } from './_per-row-events.js'
import { describeProductLists } from './_product-lists.js'
import { describeProductSorts } from './_product-sorts.js'
import { describeProducts } from './_products.js'
import { describeRowEventExpansion } from './_row-event-expansion.js'
import { describeStorageErrors } from './_storage-errors.js'
import { describeWebhookSecrets } from './_webhook-secrets.js'
import { describeWebhooks } from './_webhooks.js'
import type { ConformanceTarget } from './types.js'

/**
 * Registers the conformance suite every storage adapter must pass. Each test gets a fresh target
 * from `factory`, migrates it, and closes it afterwards; tests check stored rows through
 * `target.raw`, not through the adapter under test.
 *
 * @example
 * ```ts
 * import { describeStorageConformance } from '@product-importer/adapter-tests'
 *
 * describeStorageConformance('sqlite', async () => {
 *   const filename = await tempFile()
 *   const storage = sqliteStorage({ filename })
 *   const db = new Database(filename)
 *   return {
 *     storage,
 *     raw: async (sql, params = []) => db.prepare(sql).all(...params) as Record<string, unknown>[],
 *     close: async () => { await storage.close(); db.close() },
 *   }
 * })
 * ```
 */
export function describeStorageConformance(
  name: string,
  factory: () => Promise<ConformanceTarget>,
): void {
  describe(`${name} storage conformance`, () => {
    let current: ConformanceTarget | undefined
    const target = (): ConformanceTarget => {
      if (!current) throw new Error('no storage: the factory failed before this test')
      return current
    }

    beforeEach(async () => {
      current = await factory()
      await current.storage.migrate()
    })

    afterEach(async () => {
      const done = current
      current = undefined
      await done?.close()
    })

    describeProducts(target)
    describeConditionalUpdates(target)
    describeProductLists(target)
    describeProductSorts(target)
    describeImportWriter(target)
    describeImportBatches(target)
    describeJobs(target)
    describeJobHeartbeat(target)
    describeStorageErrors(target)
    describeWebhooks(target)
    describeWebhookSecrets(target)
    describeMappings(target)
    describePerRowEvents(target)
    describeRowEventExpansion(target)
  })
}
