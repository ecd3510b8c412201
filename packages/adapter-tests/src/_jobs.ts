import { randomUUID } from 'node:crypto'
import type { ImportJobPatch, RowError } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { jobRecord } from './_fixtures.js'
import type { CurrentTarget } from './types.js'

const rowError = (i: number): RowError => ({
  // Lines run backwards, so only insertion order can explain the order read back.
  line: 10_000 - i,
  sku: `SKU-${i}`,
  column: 'price',
  value: `x${i}`,
  message: `price is not a number (${i})`,
})

/** Import jobs and their row errors. */
export function describeJobs(target: CurrentTarget): void {
  describe('import jobs', () => {
    it('reads a stored job back unchanged', async () => {
      const { storage } = target()
      const job = jobRecord()
      const bare = jobRecord({ filename: null, bytesTotal: null, dryRun: true })
      await storage.createJob(job)
      await storage.createJob(bare)
      expect(await storage.getJob(job.id)).toEqual(job)
      expect(await storage.getJob(bare.id)).toEqual(bare)
    })

    it('returns undefined for a job that does not exist', async () => {
      const { storage } = target()
      expect(await storage.getJob(randomUUID())).toBeUndefined()
      expect(await storage.updateJob(randomUUID(), { status: 'running' })).toBeUndefined()
    })

    it('changes the given fields of a job and moves its updatedAt', async () => {
      const { storage } = target()
      const job = jobRecord()
      await storage.createJob(job)
      const startedAt = new Date(job.createdAt.getTime() + 1500)
      const patch = {
        status: 'running',
        phase: 'importing',
        startedAt,
        bytesRead: 5_000_000_000,
        rows: 10_000,
        created: 9_000,
        updated: 900,
        unchanged: 80,
        invalid: 15,
        duplicatesInFile: 5,
      } as const
      const updated = await storage.updateJob(job.id, patch)
      expect(updated).toEqual({ ...job, ...patch, updatedAt: expect.any(Date) })
      expect(updated!.updatedAt.getTime()).toBeGreaterThan(job.updatedAt.getTime())
      expect(await storage.getJob(job.id)).toEqual(updated)
    })

    it('keeps how a job read its file: platform, mapping, warnings and the remembered mapping applied', async () => {
      const { storage } = target()
      const job = jobRecord()
      await storage.createJob(job)
      const reading = {
        platform: 'magento' as const,
        mapping: { sku: 'sku', name: 'Name (de)', price: 'Price [EUR]' },
        warnings: [
          {
            code: 'DUPLICATE_COLUMN' as const,
            message: 'sku is read from "SKU" (column 2); column "Reference" (column 1) is ignored',
            columns: ['SKU', 'Reference'],
          },
          { code: 'ROWS_SKIPPED' as const, message: 'skipped 3 store-view rows' },
        ],
        rememberedMapping: { signature: 'name|price|sku', columns: { sku: 'sku', quantity: null } },
      } satisfies ImportJobPatch
      await storage.updateJob(job.id, reading)
      expect(await storage.getJob(job.id)).toEqual({
        ...job,
        ...reading,
        updatedAt: expect.any(Date),
      })
      // A later progress write leaves them alone.
      await storage.updateJob(job.id, { rows: 5 })
      expect(await storage.getJob(job.id)).toMatchObject(reading)
    })

    it('records a cancel request, a finish and an error, and clears the error', async () => {
      const { storage } = target()
      const job = jobRecord({ status: 'running', phase: 'importing' })
      await storage.createJob(job)
      expect(await storage.updateJob(job.id, { cancelRequested: true })).toMatchObject({
        cancelRequested: true,
      })
      const finishedAt = new Date(job.createdAt.getTime() + 9000)
      const error = { code: 'STORAGE_FAILED' as const, message: 'disk full' }
      await storage.updateJob(job.id, { status: 'failed', phase: 'done', finishedAt, error })
      expect(await storage.getJob(job.id)).toMatchObject({
        status: 'failed',
        phase: 'done',
        cancelRequested: true,
        finishedAt,
        error,
      })
      expect(await storage.updateJob(job.id, { error: null })).toMatchObject({ error: null })
    })

    it('lets exactly one of several racing claims start a pending job', async () => {
      const { storage } = target()
      const job = jobRecord({ status: 'pending', startedAt: null })
      await storage.createJob(job)
      const startedAt = new Date(job.createdAt.getTime() + 1000)
      const claims = await Promise.all([1, 2, 3].map(() => storage.claimJob(job.id, startedAt)))
      const won = claims.filter((claim) => claim !== undefined)
      expect(won).toHaveLength(1)
      expect(won[0]).toMatchObject({ id: job.id, status: 'running', startedAt })
      expect(await storage.claimJob(job.id, startedAt)).toBeUndefined()
      expect(await storage.claimJob(randomUUID(), startedAt)).toBeUndefined()
    })

    it('lists jobs newest first, limit at a time from offset', async () => {
      const { storage } = target()
      const base = Date.UTC(2024, 5, 1)
      const jobs = [0, 3, 1, 4, 2].map((i) => jobRecord({ createdAt: new Date(base + i * 60_000) }))
      for (const job of jobs) await storage.createJob(job)
      const ids = (list: { id: string }[]) => list.map((j) => j.id)
      const newest = [...jobs].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      expect(ids(await storage.listJobs())).toEqual(ids(newest))
      expect(ids(await storage.listJobs({ limit: 2, offset: 1 }))).toEqual(ids(newest.slice(1, 3)))
    })
  })

  describe('row errors', () => {
    it('keeps row errors in the order they were added, limit at a time from offset', async () => {
      const { storage } = target()
      const job = jobRecord()
      await storage.createJob(job)
      const errors = Array.from({ length: 150 }, (_, i) => rowError(i))
      await storage.addRowErrors(job.id, errors.slice(0, 120))
      await storage.addRowErrors(job.id, [])
      await storage.addRowErrors(job.id, errors.slice(120))
      expect(await storage.listRowErrors(job.id)).toEqual(errors)
      expect(await storage.listRowErrors(job.id, { offset: 100, limit: 30 })).toEqual(
        errors.slice(100, 130),
      )
      expect(await storage.listRowErrors(job.id, { offset: 150 })).toEqual([])
    })

    it('keeps an error about the whole file, without SKU, column or value', async () => {
      const { storage } = target()
      const job = jobRecord()
      await storage.createJob(job)
      const error = { line: 0, sku: null, column: null, value: null, message: 'no sku column' }
      await storage.addRowErrors(job.id, [error])
      expect(await storage.listRowErrors(job.id)).toEqual([error])
    })

    it("keeps each job's row errors apart", async () => {
      const { storage } = target()
      const [a, b] = [jobRecord(), jobRecord()]
      await storage.createJob(a)
      await storage.createJob(b)
      await storage.addRowErrors(a.id, [rowError(1), rowError(2)])
      await storage.addRowErrors(b.id, [rowError(3)])
      expect(await storage.listRowErrors(a.id)).toEqual([rowError(1), rowError(2)])
      expect(await storage.listRowErrors(b.id)).toEqual([rowError(3)])
      expect(await storage.listRowErrors(randomUUID())).toEqual([])
    })
  })
}
