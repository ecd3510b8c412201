import { type ImportErrorCode, importProducts, isImporterError } from '@product-importer/core'
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

  it('fails an import one way per API: the job resolves failed with a typed code, the stream rejects with that summary', async () => {
    const importer = await tempImporter()
    const job = await importer.imports.create()
    const summary = await importer.imports.run(job.id, bytes('name,price\nLamp,10\n'))
    const code: ImportErrorCode | undefined = summary.error?.code
    expect(code).toBe('MISSING_SKU_COLUMN')
    expect(summary.status).toBe('failed')
    // The same file through the streaming import rejects, carrying that summary.
    const thrown = await importProducts(bytes('name,price\nLamp,10\n'), {
      storage: importer.storage,
    })
      .result()
      .catch((error: unknown) => error)
    expect(thrown).toMatchObject({
      code: 'MISSING_SKU_COLUMN',
      details: { summary: { status: 'failed', error: { code: 'MISSING_SKU_COLUMN' } } },
    })
    const stored = await importer.imports.get(job.id)
    // @ts-expect-error a stored job's code is one of the codes, so a misspelled one does not compile
    const misspelled: boolean = stored?.error?.code === 'MISSING_SKU_COLUM'
    expect(misspelled).toBe(false)
    expect(stored?.error?.code).toBe(code)
  })
})
