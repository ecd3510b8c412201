import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProductImporter } from '@product-importer/core'
import { afterEach, expect, it } from 'vitest'
import { databaseOn, onBothStorages, type StorageKind } from './both-storages.js'
import { cleanExport, exportOf, tempDir } from './helpers.js'

/** 1,000 rows of 700 SKUs named `<word> <i>`: files that differ in their rows, not their header. */
const ROWS = 1000
const HEADER = 'sku,name,price\n'
const fileOf = (word: string) =>
  `${HEADER}${Array.from({ length: ROWS }, (_, i) => `S-${i % 700},${word} ${i},${(i % 97) + 0.5}`).join('\n')}\n`
const csv = fileOf('Item')

const releases: (() => void)[] = []
afterEach(() => {
  for (const release of releases.splice(0)) release()
})

async function* once(text: string) {
  yield text
}

function write(name: string, text: string): string {
  const path = join(tempDir(), name)
  writeFileSync(path, text)
  return path
}

/**
 * An import of `csv` that committed two batches of 100 rows and stopped, as a killed process
 * leaves it; then a restarted importer that found it interrupted.
 */
async function interruptedImport(kind: StorageKind) {
  const open = await databaseOn(kind)
  const path = write('products.csv', csv)
  const dead = createProductImporter({ storage: open(), heartbeatIntervalMs: 3_600_000 })
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  releases.push(release)
  const sent = HEADER.length + csv.split('\n').slice(1, 251).join('\n').length + 1
  async function* stalled() {
    yield Buffer.from(csv.slice(0, sent))
    await released
  }
  const job = await dead.imports.create({ filename: 'products.csv' })
  void dead.imports.run(job.id, stalled(), { batchSize: 100, resumeSource: path })
  for await (const state of dead.imports.watch(job.id, { intervalMs: 20 })) {
    if (state.rows === 200) break
  }
  const restarted = createProductImporter({ storage: open(), heartbeatTimeoutMs: 1 })
  expect((await restarted.imports.get(job.id))?.status).toBe('interrupted')
  await dead.close()
  return { restarted, path, jobId: job.id }
}

onBothStorages((kind) => {
  it('refuses to resume with another file, writing nothing, then resumes with the original to the clean result', async () => {
    const { restarted, path, jobId } = await interruptedImport(kind)
    const before = await exportOf(restarted)
    const { checkpoint } = (await restarted.imports.get(jobId))!
    expect(checkpoint?.fingerprint).toMatchObject({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    })

    // A file on disk with the same header but other rows: refused before the job is touched.
    const other = write('other.csv', fileOf('Thing'))
    await expect(restarted.imports.resume(jobId, other)).rejects.toMatchObject({
      code: 'RESUME_FILE_MISMATCH',
      message: expect.stringMatching(
        /^this is not the file the import read: its first \d+ bytes \(the part already imported\) differ\. Resume with the original file, or start a new import of this one$/,
      ),
    })
    expect(await restarted.imports.get(jobId)).toMatchObject({
      status: 'interrupted',
      rows: 200,
      error: { code: 'INTERRUPTED' },
    })
    // Another header says so.
    const reshaped = write('reshaped.csv', `sku,name,cost\n${csv.slice(HEADER.length)}`)
    await expect(restarted.imports.resume(jobId, reshaped)).rejects.toMatchObject({
      code: 'RESUME_FILE_MISMATCH',
      message: expect.stringMatching(/: its header differs\./),
    })

    // The same file as a stream is read as the run goes, and refused before its first batch.
    await expect(restarted.imports.resume(jobId, once(fileOf('Thing')))).rejects.toMatchObject({
      code: 'RESUME_FILE_MISMATCH',
    })
    expect(await restarted.imports.get(jobId)).toMatchObject({
      status: 'interrupted',
      rows: 200,
      error: { code: 'RESUME_FILE_MISMATCH' },
    })
    expect(await exportOf(restarted)).toBe(before)

    // The job is still resumable with the file it read.
    const rest = await restarted.imports.resume(jobId, path)
    expect(rest).toMatchObject({ status: 'completed', rows: ROWS - 200 })
    expect(await restarted.imports.get(jobId)).toMatchObject({
      status: 'completed',
      rows: ROWS,
      error: null,
    })
    expect(await exportOf(restarted)).toBe(await cleanExport(path))
    await restarted.close()
  })

  it('resumes a file that differs only after the checkpoint, importing the rest as it is now', async () => {
    const { restarted, jobId } = await interruptedImport(kind)
    // Row 900 (SKU S-200) renamed, the size kept: the part already imported is the same.
    const edited = write('edited.csv', csv.replace('S-200,Item 900,', 'S-200,Edit 900,'))
    expect(await restarted.imports.resume(jobId, edited)).toMatchObject({
      status: 'completed',
      rows: ROWS - 200,
    })
    expect((await restarted.products.getBySku('S-200'))?.name).toBe('Edit 900')
    expect(await restarted.products.count()).toBe(700)
    await restarted.close()
  })

  it('resumes a job checkpointed without a fingerprint (by an earlier version) as before', async () => {
    const { restarted, path, jobId } = await interruptedImport(kind)
    const { offset, line, headerBytes } = (await restarted.imports.get(jobId))!.checkpoint!
    await restarted.storage.updateJob(jobId, { checkpoint: { offset, line, headerBytes } })
    expect(await restarted.imports.resume(jobId, path)).toMatchObject({
      status: 'completed',
      rows: ROWS - 200,
    })
    expect(await exportOf(restarted)).toBe(await cleanExport(path))
    await restarted.close()
  })
})
