import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { jobRecord } from './_fixtures.js'
import type { CurrentTarget } from './types.js'

const AT = new Date('2025-03-01T12:00:00.000Z')
const later = (ms: number) => new Date(AT.getTime() + ms)
const INTERRUPTED = {
  finishedAt: later(60_000),
  error: { code: 'INTERRUPTED' as const, message: 'gone' },
}

/** Owners, heartbeats and checkpoints of jobs: how jobs of a dead process end and resume. */
export function describeJobHeartbeat(target: CurrentTarget): void {
  describe('import job heartbeat', () => {
    it('claims a job for an owner and beats only that owner’s live jobs', async () => {
      const { storage } = target()
      const mine = jobRecord()
      const theirs = jobRecord()
      const done = jobRecord({ status: 'completed', phase: 'done', ownerId: 'a', heartbeatAt: AT })
      for (const job of [mine, theirs, done]) await storage.createJob(job)
      expect(await storage.claimJob(mine.id, AT, 'a')).toMatchObject({
        status: 'running',
        ownerId: 'a',
        heartbeatAt: AT,
      })
      await storage.claimJob(theirs.id, AT, 'b')
      await storage.beatJobs('a', later(5000))
      expect((await storage.getJob(mine.id))?.heartbeatAt).toEqual(later(5000))
      expect((await storage.getJob(theirs.id))?.heartbeatAt).toEqual(AT)
      expect((await storage.getJob(done.id))?.heartbeatAt).toEqual(AT)
    })

    it('beats none of the jobs it is told to leave out', async () => {
      const { storage } = target()
      const live = jobRecord()
      const ended = jobRecord()
      for (const job of [live, ended]) {
        await storage.createJob(job)
        await storage.claimJob(job.id, AT, 'a')
      }
      await storage.beatJobs('a', later(5000), [ended.id])
      expect((await storage.getJob(live.id))?.heartbeatAt).toEqual(later(5000))
      expect((await storage.getJob(ended.id))?.heartbeatAt).toEqual(AT)
    })

    it('interrupts the live jobs whose heartbeat is older than the limit, keeping counts and checkpoint', async () => {
      const { storage } = target()
      const checkpoint = { offset: 4096, line: 120, headerBytes: 30 }
      const stale = jobRecord({
        status: 'running',
        phase: 'importing',
        ownerId: 'dead',
        heartbeatAt: AT,
        rows: 100,
        created: 100,
        checkpoint,
      })
      const waiting = jobRecord({ ownerId: 'dead', heartbeatAt: AT })
      const fresh = jobRecord({ status: 'running', ownerId: 'alive', heartbeatAt: later(50_000) })
      const unowned = jobRecord()
      const finished = jobRecord({
        status: 'failed',
        phase: 'done',
        ownerId: 'dead',
        heartbeatAt: AT,
      })
      for (const job of [stale, waiting, fresh, unowned, finished]) await storage.createJob(job)

      const marked = await storage.interruptStaleJobs(later(30_000), INTERRUPTED)
      expect(marked.map((job) => job.id).sort()).toEqual([stale.id, waiting.id].sort())
      expect(await storage.getJob(stale.id)).toMatchObject({
        status: 'interrupted',
        phase: 'done',
        rows: 100,
        created: 100,
        checkpoint,
        finishedAt: INTERRUPTED.finishedAt,
        error: INTERRUPTED.error,
      })
      for (const job of [fresh, unowned, finished]) {
        expect((await storage.getJob(job.id))?.status).toBe(job.status)
      }
      expect(await storage.interruptStaleJobs(later(30_000), INTERRUPTED)).toEqual([])
    })

    it('reclaims an interrupted job for exactly one caller', async () => {
      const { storage } = target()
      const job = jobRecord({
        status: 'interrupted',
        phase: 'done',
        ownerId: 'dead',
        heartbeatAt: AT,
        rows: 7,
        finishedAt: AT,
        error: INTERRUPTED.error,
        checkpoint: { offset: 99, line: 9, headerBytes: 10 },
        resume: { source: 'upload:1', options: { delimiter: ';' } },
      })
      await storage.createJob(job)
      const results = await Promise.all([
        storage.reclaimJob(job.id, 'x', later(1000)),
        storage.reclaimJob(job.id, 'y', later(1000)),
      ])
      const won = results.filter((result) => result !== undefined)
      expect(won).toHaveLength(1)
      expect(won[0]).toMatchObject({
        status: 'pending',
        phase: 'waiting',
        ownerId: won[0]!.ownerId,
        heartbeatAt: later(1000),
        rows: 7,
        error: null,
        finishedAt: null,
        checkpoint: job.checkpoint,
        resume: job.resume,
      })
      expect(await storage.reclaimJob(randomUUID(), 'x', AT)).toBeUndefined()
    })
  })
}
