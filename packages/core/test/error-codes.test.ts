import { importProducts, isImporterError } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { bytes, tempImporter } from './helpers.js'

const csv = `sku,name\n${Array.from({ length: 30 }, (_, i) => `E-${i},Item ${i}`).join('\n')}\n`

describe('error codes say what happened', () => {
  it('reports an import stopped before it finished as CANCELLED, not as a source failure', async () => {
    const importer = await tempImporter()
    const run = importProducts(bytes(csv), { storage: importer.storage, batchSize: 5 })
    for await (const event of run) if (event.type === 'progress') break
    await expect(run.result()).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('ends a cancelled import as cancelled, keeping the batches it committed', async () => {
    const importer = await tempImporter()
    const controller = new AbortController()
    const run = importProducts(bytes(csv), {
      storage: importer.storage,
      batchSize: 5,
      signal: controller.signal,
      worker: false,
      onProgress: () => controller.abort(),
    })
    const summary = await run.result()
    expect(summary.status).toBe('cancelled')
    expect(await importer.products.count()).toBe(summary.created)
  })

  it('reports a database that fails as STORAGE_FAILED, naming the database', async () => {
    const importer = await tempImporter()
    await importer.storage.close()
    const failure = await importProducts(bytes(csv), { storage: importer.storage })
      .result()
      .catch((error: unknown) => error)
    expect(isImporterError(failure, 'STORAGE_FAILED')).toBe(true)
    expect((failure as Error).message).toMatch(/SQLite/)
  })
})
