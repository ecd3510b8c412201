import { createProductImporter, type ImportJobPatch, isImporterError } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { bytes, tempImporter } from './helpers.js'

describe('createProductImporter: products', () => {
  it('creates, reads, updates and deletes a product, with price as an exact decimal string', async () => {
    const importer = await tempImporter()
    const created = await importer.products.create({ sku: 'SKU001', name: 'Product', price: 99.99 })
    expect(created).toMatchObject({
      sku: 'SKU001',
      name: 'Product',
      price: '99.99',
      quantity: 0,
      active: true,
      description: '',
    })
    expect(await importer.products.get(created.id)).toEqual(created)
    expect(await importer.products.getBySku('sku001')).toEqual(created)
    const updated = await importer.products.update(created.id, { price: '0.10', active: false })
    expect(updated).toMatchObject({ price: '0.10', active: false, name: 'Product' })
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime())
    expect(await importer.products.delete(created.id)).toBe(true)
    expect(await importer.products.delete(created.id)).toBe(false)
    expect(await importer.products.get(created.id)).toBeUndefined()
  })

  it('refuses a SKU another product has, in any letter case', async () => {
    const importer = await tempImporter()
    await importer.products.create({ sku: 'ABC-1', name: 'One' })
    const other = await importer.products.create({ sku: 'ABC-2', name: 'Two' })
    await expect(importer.products.create({ sku: 'abc-1', name: 'Again' })).rejects.toMatchObject({
      code: 'SKU_TAKEN',
    })
    await expect(importer.products.update(other.id, { sku: 'Abc-1' })).rejects.toMatchObject({
      code: 'SKU_TAKEN',
    })
  })

  it('rejects invalid input with the field named', async () => {
    const importer = await tempImporter()
    const attempts = [
      { sku: '', name: 'x' },
      { sku: 'A', name: '' },
      { sku: 'A', name: 'x', price: '12.345' },
      { sku: 'A', name: 'x', price: -1 },
      { sku: 'A', name: 'x', quantity: 1.5 },
    ]
    for (const input of attempts) {
      const error = await importer.products.create(input).catch((e) => e)
      expect(isImporterError(error, 'VALIDATION_FAILED')).toBe(true)
      expect(error.details.length).toBeGreaterThan(0)
    }
    await expect(
      importer.products.update('00000000-0000-4000-8000-000000000000', { name: 'x' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('lists with filters, pages with totals and walks a keyset cursor over every product once', async () => {
    const importer = await tempImporter()
    const lines = ['sku,name,description,active']
    for (let i = 0; i < 45; i++)
      lines.push(`S-${i},${i % 3 === 0 ? 'Red lamp' : 'Blue mug'} ${i},desc ${i},${i % 2 === 0}`)
    await importer.imports.run(
      (await importer.imports.create()).id,
      bytes(`${lines.join('\n')}\n`),
      { batchSize: 10 },
    )
    const page = await importer.products.list({ page: 2, pageSize: 20 })
    expect(page).toMatchObject({ total: 45, page: 2, pageSize: 20 })
    expect(page.items).toHaveLength(20)
    expect((await importer.products.list({ name: 'red LAMP' })).total).toBe(15)
    expect((await importer.products.list({ q: 's-1' })).total).toBe(11) // S-1, S-10..S-19
    expect((await importer.products.list({ active: true })).total).toBe(23)
    const seen = new Set<string>()
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const result = await importer.products.list({ pageSize: 7, ...(cursor ? { cursor } : {}) })
      for (const item of result.items) seen.add(item.id)
      cursor = result.nextCursor
      if (!cursor) break
    }
    expect(seen.size).toBe(45)
    expect(await importer.products.deleteAll()).toBe(45)
    expect(await importer.products.count()).toBe(0)
  })
})

describe('createProductImporter: import jobs', () => {
  it('runs an import as a job with status, counts and row errors', async () => {
    const importer = await tempImporter()
    const job = await importer.imports.start(bytes('sku,name,price\nA-1,Lamp,1\nA-2,Mug,bad\n'), {
      filename: 'p.csv',
    })
    expect(job).toMatchObject({ status: 'pending', filename: 'p.csv' })
    const states = []
    for await (const state of importer.imports.watch(job.id, { intervalMs: 20 }))
      states.push(state.status)
    expect(states.at(-1)).toBe('completed')
    const done = await importer.imports.get(job.id)
    expect(done).toMatchObject({
      status: 'completed',
      rows: 2,
      created: 1,
      invalid: 1,
      phase: 'done',
    })
    expect(done?.finishedAt).toBeInstanceOf(Date)
    expect(await importer.imports.errors(job.id)).toEqual([
      {
        line: 3,
        sku: 'A-2',
        column: 'price',
        value: 'bad',
        message: expect.stringContaining('price'),
      },
    ])
    expect((await importer.imports.list()).map((j) => j.id)).toEqual([job.id])
  })

  it('gives import jobs time-ordered ids, like products', async () => {
    const importer = await tempImporter()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await importer.imports.create()).id)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/)
    expect([...ids].sort()).toEqual(ids)
  })

  it('starts a job with the claim alone, without a second write marking it running', async () => {
    const { storage } = await tempImporter()
    const writes: ImportJobPatch[] = []
    const importer = createProductImporter({
      storage: {
        ...storage,
        updateJob: (id, patch) => {
          writes.push(patch)
          return storage.updateJob(id, patch)
        },
      },
    })
    const { id } = await importer.imports.create()
    await importer.imports.run(id, bytes('sku,name\nA-1,Lamp\n'))
    expect(writes.some((patch) => patch.status === 'running' || patch.startedAt)).toBe(false)
    expect(await importer.imports.get(id)).toMatchObject({ status: 'completed', rows: 1 })
    expect((await importer.imports.get(id))?.startedAt).toBeInstanceOf(Date)
  })

  it('records a fatal error on the job', async () => {
    const importer = await tempImporter()
    const { id } = await importer.imports.create({ filename: 'bad.csv' })
    const summary = await importer.imports.run(id, bytes('name\nLamp\n'))
    expect(summary.status).toBe('failed')
    expect(await importer.imports.get(id)).toMatchObject({
      status: 'failed',
      error: { code: 'MISSING_SKU_COLUMN', message: expect.stringContaining('sku') },
    })
  })

  it('cancels a pending job at once and a running one between batches', async () => {
    const importer = await tempImporter()
    const pending = await importer.imports.create()
    expect((await importer.imports.cancel(pending.id)).status).toBe('cancelled')
    await expect(importer.imports.run(pending.id, bytes('sku,name\nA,B\n'))).rejects.toMatchObject({
      code: 'JOB_FINISHED',
    })

    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    async function* slow() {
      yield 'sku,name\n'
      for (let i = 0; i < 3000; i++) yield `S-${i},P ${i}\n`
      await gate
      for (let i = 3000; i < 6000; i++) yield `S-${i},P ${i}\n`
    }
    const job = await importer.imports.create()
    const running = importer.imports.run(job.id, slow(), { batchSize: 1000 })
    for (let i = 0; i < 200 && (await importer.imports.get(job.id))!.rows < 1000; i++) {
      await new Promise((r) => setTimeout(r, 10))
    }
    await importer.imports.cancel(job.id)
    release()
    const summary = await running
    expect(summary.status).toBe('cancelled')
    const final = await importer.imports.get(job.id)
    expect(final).toMatchObject({ status: 'cancelled', cancelRequested: true })
    expect(final!.rows).toBeLessThan(6000)
    expect(await importer.products.count()).toBe(final!.created)
  })
})
