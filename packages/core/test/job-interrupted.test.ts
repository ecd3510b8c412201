import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createProductImporter,
  type ImporterStorage,
  type ImportJob,
  type ProductImporter,
} from '@product-importer/core'
import { afterEach, expect, it } from 'vitest'
import { databaseOn, onBothStorages } from './both-storages.js'
import { cleanExport, exportOf, tempDir } from './helpers.js'

/**
 * 1,000 rows of 700 SKUs: rows 701 to 1,000 update SKUs of the first 300 rows, so an import that
 * stops and resumes must still let the last row of each SKU win.
 */
const ROWS = 1000
const csv = `sku,name,price\n${Array.from(
  { length: ROWS },
  (_, i) => `S-${i % 700},Item ${i},${(i % 97) + 0.5}`,
).join('\n')}\n`
const HEADER_BYTES = 'sku,name,price\n'.length

/** An upload that sends the first `bytes` of the file, then hangs until released. */
function stalledSource(bytes: number) {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  async function* chunks() {
    yield Buffer.from(csv.slice(0, bytes))
    await released
  }
  return { chunks: chunks(), release }
}

const releases: (() => void)[] = []
afterEach(() => {
  for (const release of releases.splice(0)) release()
})

/** Waits until the job's state satisfies `done`, following its changes. */
async function until(importer: ProductImporter, id: string, done: (job: ImportJob) => boolean) {
  for await (const job of importer.imports.watch(id, { intervalMs: 20 })) if (done(job)) return job
  throw new Error(`job ${id} ended without reaching the state`)
}

async function* once(text: string) {
  yield text
}

/**
 * A job that stopped after committing two batches of 100 rows, as a killed process leaves it:
 * its owner never beats again. Returns the database and the job.
 */
async function stoppedImport(kind: Parameters<typeof databaseOn>[0]) {
  const open = await databaseOn(kind)
  const path = join(tempDir(), 'products.csv')
  writeFileSync(path, csv)
  const dead = createProductImporter({ storage: open(), heartbeatIntervalMs: 3_600_000 })
  // 250 rows arrive: two batches commit, the third waits for rows that never come.
  const source = stalledSource(HEADER_BYTES + csv.split('\n').slice(1, 251).join('\n').length + 1)
  releases.push(source.release)
  const job = await dead.imports.create({ filename: 'products.csv' })
  void dead.imports.run(job.id, source.chunks, { batchSize: 100, resumeSource: path })
  await until(dead, job.id, (state) => state.rows === 200)
  return { open, path, dead, jobId: job.id }
}

onBothStorages((kind) => {
  it('marks a job whose owner stopped beating interrupted on start-up, with the counts it committed', async () => {
    const { open, dead, jobId } = await stoppedImport(kind)
    const restarted = createProductImporter({ storage: open(), heartbeatTimeoutMs: 1 })
    const job = await restarted.imports.get(jobId)
    expect(job).toMatchObject({
      status: 'interrupted',
      phase: 'done',
      rows: 200,
      created: 200,
      error: { code: 'INTERRUPTED' },
      checkpoint: { line: 202, headerBytes: HEADER_BYTES },
    })
    expect(job?.finishedAt).toBeInstanceOf(Date)
    expect(await restarted.products.count()).toBe(200)

    // Its event stream ends with the interrupted state.
    const states: string[] = []
    for await (const state of restarted.imports.watch(jobId)) states.push(state.status)
    expect(states).toEqual(['interrupted'])

    // Cancelling it says why nothing can be cancelled, and changes nothing.
    await expect(restarted.imports.cancel(jobId)).rejects.toMatchObject({
      code: 'JOB_FINISHED',
      message: expect.stringMatching(/interrupted.*200 rows it committed stay/),
    })
    // The stopped process, should it come back, leaves the interrupted job alone.
    await dead.close()
    expect((await restarted.imports.get(jobId))?.status).toBe('interrupted')
    await restarted.close()
  })

  it('leaves running a job whose owner still beats, and refuses to resume it', async () => {
    const open = await databaseOn(kind)
    const owner = createProductImporter({ storage: open(), heartbeatIntervalMs: 10 })
    const source = stalledSource(HEADER_BYTES + 200)
    releases.push(source.release)
    const job = await owner.imports.start(source.chunks, { batchSize: 5 })
    await until(owner, job.id, (state) => state.rows > 0)
    const other = createProductImporter({ storage: open(), heartbeatTimeoutMs: 60_000 })
    expect((await other.imports.get(job.id))?.status).toBe('running')
    // Resuming it is refused, saying when a job whose process stopped would count as such.
    await expect(other.imports.resume(job.id, 'products.csv')).rejects.toMatchObject({
      code: 'NOT_RESUMABLE',
      message: expect.stringMatching(/is running \(its process beat \d+ s ago; .* after 60 s/),
    })
    await other.close()
    await owner.close()
  })

  it('resumes an interrupted import from its last committed batch to the result of an uninterrupted one', async () => {
    const { open, path, dead, jobId } = await stoppedImport(kind)
    const restarted = createProductImporter({ storage: open(), heartbeatTimeoutMs: 1 })
    expect((await restarted.imports.get(jobId))?.status).toBe('interrupted')
    await dead.close()

    const lines: number[] = []
    const rest = await restarted.imports.resume(jobId, path, {
      onEvent: (event) => {
        if (event.type === 'progress' && event.progress.checkpoint) {
          lines.push(event.progress.checkpoint.line)
        }
      },
    })
    // Only the rows after the checkpoint were read, in batches of the job's size.
    expect(rest).toMatchObject({ status: 'completed', rows: ROWS - 200 })
    expect(lines[0]).toBe(302)
    const job = await restarted.imports.get(jobId)
    expect(job).toMatchObject({ status: 'completed', rows: ROWS, error: null })
    expect(job?.bytesRead).toBe(Buffer.byteLength(csv))

    expect(await exportOf(restarted)).toBe(await cleanExport(path))
    expect(await restarted.products.count()).toBe(700)
    await restarted.close()
  })

  it('resumes from a stream too, dropping the bytes before the checkpoint unparsed', async () => {
    const { open, dead, jobId } = await stoppedImport(kind)
    const restarted = createProductImporter({ storage: open(), heartbeatTimeoutMs: 1 })
    await restarted.imports.get(jobId)
    await dead.close()
    // Chunks that cut the header and the checkpoint in the middle.
    async function* pieces() {
      for (let at = 0; at < csv.length; at += 7) yield csv.slice(at, at + 7)
    }
    await restarted.imports.resume(jobId, pieces())
    expect(await restarted.imports.get(jobId)).toMatchObject({ status: 'completed', rows: ROWS })
    const path = join(tempDir(), 'products.csv')
    writeFileSync(path, csv)
    expect(await exportOf(restarted)).toBe(await cleanExport(path))
    await restarted.close()
  })

  it('refuses to resume a job that was not interrupted, saying why', async () => {
    const open = await databaseOn(kind)
    const importer = createProductImporter({ storage: open() })
    const path = join(tempDir(), 'p.csv')
    writeFileSync(path, csv)
    const job = await importer.imports.create()
    await importer.imports.run(job.id, path)
    await expect(importer.imports.resume(job.id, path)).rejects.toMatchObject({
      code: 'NOT_RESUMABLE',
      message: expect.stringMatching(/is completed; only an interrupted import/),
    })
    await importer.close()
  })

  it('runs at most maxConcurrentImports at once; the rest wait pending with their place in line', async () => {
    const open = await databaseOn(kind)
    const importer = createProductImporter({ storage: open(), maxConcurrentImports: 1 })
    const first = stalledSource(HEADER_BYTES + 100)
    releases.push(first.release)
    const running = await importer.imports.start(first.chunks, { batchSize: 5 })
    await until(importer, running.id, (state) => state.status === 'running')
    const second = await importer.imports.start(once('sku,name\nQ-1,One\n'))
    const third = await importer.imports.start(once('sku,name\nQ-2,Two\n'))
    expect(await importer.imports.get(second.id)).toMatchObject({
      status: 'pending',
      queuePosition: 1,
    })
    expect(await importer.imports.get(third.id)).toMatchObject({
      status: 'pending',
      queuePosition: 2,
    })

    // A cancelled job leaves the line; the ones behind it move up.
    await importer.imports.cancel(second.id)
    expect((await importer.imports.get(second.id))?.status).toBe('cancelled')
    expect((await importer.imports.get(third.id))?.queuePosition).toBe(1)

    first.release()
    const done = await until(importer, third.id, (state) => state.status === 'completed')
    expect(done).toMatchObject({ created: 1, queuePosition: null })
    expect((await importer.imports.get(running.id))?.status).toBe('completed')
    expect(await importer.products.getBySku('Q-1')).toBeUndefined()
    await importer.close()
  })
})

it('keeps what storage holds the same when no job was ever owned', async () => {
  // A store whose jobs predate owners: the start-up sweep must not end pending jobs.
  const open = await databaseOn('sqlite')
  const storage: ImporterStorage = open()
  await storage.migrate()
  const now = new Date()
  await storage.createJob({
    id: '00000000-0000-7000-8000-000000000001',
    status: 'pending',
    phase: 'waiting',
    filename: null,
    dryRun: false,
    bytesRead: 0,
    bytesTotal: null,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    invalid: 0,
    duplicatesInFile: 0,
    cancelRequested: false,
    error: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  })
  const importer = createProductImporter({ storage, heartbeatTimeoutMs: 1 })
  expect((await importer.imports.get('00000000-0000-7000-8000-000000000001'))?.status).toBe(
    'pending',
  )
  await importer.close()
})
