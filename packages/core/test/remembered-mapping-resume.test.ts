import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProductImporter } from '@product-importer/core'
import { expect, it } from 'vitest'
import { stalledSource, until } from './_stalled.js'
import { databaseOn, onBothStorages } from './both-storages.js'
import { tempDir } from './helpers.js'

// A file no header alias maps: only a mapping tells which column is the SKU.
const HEADER = 'Item No,Title,Unit Price\n'
const MAPPING = { sku: 'Item No', name: 'Title', price: 'Unit Price' }
const ROWS = 400
const lines = Array.from({ length: ROWS }, (_, i) => `I-${i},Item ${i},${i + 0.25}`)
const csv = `${HEADER}${lines.join('\n')}\n`

onBothStorages((kind) => {
  it('resumes an import mapped by a remembered mapping with that mapping, even once it is forgotten', async () => {
    const open = await databaseOn(kind)
    const path = join(tempDir(), 'items.csv')
    writeFileSync(path, csv)

    const dead = createProductImporter({ storage: open(), heartbeatIntervalMs: 3_600_000 })
    const remembered = await dead.mappings.save(['Item No', 'Title', 'Unit Price'], MAPPING)
    const job = await dead.imports.create({ filename: 'items.csv' })
    // No columns given: the remembered mapping maps the file.
    void dead.imports.run(job.id, stalledSource(`${HEADER}${lines.slice(0, 250).join('\n')}\n`), {
      batchSize: 100,
      resumeSource: path,
    })
    await until(dead, job.id, (state) => state.rows === 200)

    const restarted = createProductImporter({ storage: open(), heartbeatTimeoutMs: 1 })
    expect((await restarted.imports.get(job.id))?.status).toBe('interrupted')
    // Forgotten meanwhile: the rest of the file must still be read as the job began reading it.
    expect(await restarted.mappings.delete(remembered.signature)).toBe(true)

    const summary = await restarted.imports.resume(job.id, path)
    expect(summary).toMatchObject({ status: 'completed', invalid: 0 })
    expect(await restarted.imports.get(job.id)).toMatchObject({
      status: 'completed',
      rows: ROWS,
      created: ROWS,
    })
    expect(await restarted.products.count()).toBe(ROWS)
    expect(await restarted.products.getBySku(`I-${ROWS - 1}`)).toMatchObject({
      name: `Item ${ROWS - 1}`,
      price: `${ROWS - 1}.25`,
    })
    // The resume read with the forgotten mapping; it did not remember it again.
    expect(await restarted.mappings.list()).toEqual([])
    await dead.close()
    await restarted.close()
  })

  it('does not remember, on resume, an explicit mapping its start was told not to remember', async () => {
    const open = await databaseOn(kind)
    const path = join(tempDir(), 'items.csv')
    writeFileSync(path, csv)

    const dead = createProductImporter({ storage: open(), heartbeatIntervalMs: 3_600_000 })
    const job = await dead.imports.create({ filename: 'items.csv' })
    void dead.imports.run(job.id, stalledSource(`${HEADER}${lines.slice(0, 250).join('\n')}\n`), {
      batchSize: 100,
      resumeSource: path,
      columns: MAPPING,
      remember: false,
    })
    await until(dead, job.id, (state) => state.rows === 200)

    const restarted = createProductImporter({ storage: open(), heartbeatTimeoutMs: 1 })
    expect((await restarted.imports.get(job.id))?.status).toBe('interrupted')
    const summary = await restarted.imports.resume(job.id, path)
    expect(summary).toMatchObject({ status: 'completed', invalid: 0 })
    expect(await restarted.products.count()).toBe(ROWS)
    expect(await restarted.mappings.list()).toEqual([])
    await dead.close()
    await restarted.close()
  })
})
