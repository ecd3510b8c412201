import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProductImporter } from '@product-importer/core'
import { expect, it } from 'vitest'
import { startReceiver } from './_receiver.js'
import { stalledSource, until } from './_stalled.js'
import { localWebhooks, verifiedNow } from './_webhook-sdk.js'
import { databaseOn, onBothStorages } from './both-storages.js'
import { tempDir } from './helpers.js'

// 500 rows of 500 SKUs; the import below stops after two batches of 100.
const ROWS = 500
const HEADER = 'sku,name,price\n'
const lines = Array.from({ length: ROWS }, (_, i) => `S-${i},Item ${i},${i + 0.5}`)
const csv = `${HEADER}${lines.join('\n')}\n`

onBothStorages((kind) => {
  it('an interrupted import fires import.failed once, and its resume fires no second import.started but its completion', async () => {
    const open = await databaseOn(kind)
    const path = join(tempDir(), 'products.csv')
    writeFileSync(path, csv)
    const receiver = await startReceiver()

    // A process that stops beating after it claimed the job and committed two batches.
    const dead = createProductImporter({
      storage: open(),
      heartbeatIntervalMs: 3_600_000,
      webhooks: localWebhooks(),
    })
    const endpoint = await dead.webhooks.create({
      url: `${receiver.origin}/hooks`,
      eventTypes: ['import.started', 'import.completed', 'import.failed', 'import.cancelled'],
    })
    const job = await dead.imports.create({ filename: 'products.csv' })
    void dead.imports.run(job.id, stalledSource(`${HEADER}${lines.slice(0, 250).join('\n')}\n`), {
      batchSize: 100,
      resumeSource: path,
    })
    await until(dead, job.id, (state) => state.rows === 200)

    const restarted = createProductImporter({
      storage: open(),
      heartbeatTimeoutMs: 1,
      webhooks: localWebhooks(),
    })
    expect((await restarted.imports.get(job.id))?.status).toBe('interrupted')
    await restarted.webhooks.drain()
    const events = () => receiver.received.map((request) => verifiedNow(request, endpoint.secret))
    expect(events().map((event) => event.type)).toEqual(['import.started', 'import.failed'])
    expect(events()[1]?.data).toMatchObject({
      job_id: job.id,
      status: 'interrupted',
      rows: 200,
      created: 200,
      error: { code: 'INTERRUPTED' },
    })

    const summary = await restarted.imports.resume(job.id, path)
    expect(summary.status).toBe('completed')
    await restarted.webhooks.drain()
    expect(events().map((event) => event.type)).toEqual([
      'import.started',
      'import.failed',
      'import.completed',
    ])
    // The completion counts the whole file: the batches before the interruption and the rest.
    expect(events()[2]?.data).toMatchObject({
      job_id: job.id,
      status: 'completed',
      rows: ROWS,
      created: ROWS,
    })

    // The stopped process, closing at last, announces nothing more about a job no longer its own.
    await dead.close()
    await restarted.webhooks.drain()
    expect(events()).toHaveLength(3)
    await restarted.close()
  })

  it('an import cancelled while it waits in the queue fires import.cancelled', async () => {
    const open = await databaseOn(kind)
    const receiver = await startReceiver()
    const importer = createProductImporter({
      storage: open(),
      maxConcurrentImports: 1,
      webhooks: localWebhooks(),
    })
    const endpoint = await importer.webhooks.create({
      url: `${receiver.origin}/hooks`,
      eventTypes: ['import.cancelled'],
    })
    const first = await importer.imports.create()
    void importer.imports.run(
      first.id,
      stalledSource(`${HEADER}${lines.slice(0, 250).join('\n')}\n`),
      { batchSize: 100 },
    )
    await until(importer, first.id, (state) => state.rows === 200)
    const queued = await importer.imports.create()
    const waiting = importer.imports.run(queued.id, join(tempDir(), 'never-read.csv'))
    await until(importer, queued.id, (state) => state.queuePosition === 1)

    await importer.imports.cancel(queued.id)
    // Taken out of the queue, it never runs.
    await expect(waiting).rejects.toMatchObject({ code: 'JOB_FINISHED' })
    expect((await importer.imports.get(queued.id))?.status).toBe('cancelled')
    await importer.webhooks.drain()
    const events = receiver.received.map((request) => verifiedNow(request, endpoint.secret))
    expect(events.map((event) => [event.type, event.data.job_id])).toEqual([
      ['import.cancelled', queued.id],
    ])
    await importer.close()
  })
})
