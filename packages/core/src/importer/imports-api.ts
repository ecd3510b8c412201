import { randomUUID } from 'node:crypto'
import { ImporterError, isImporterError } from '../errors.js'
import { importProducts } from '../import/import-products.js'
import { checkResumedFile } from '../import/resume-source.js'
import type { ImportErrorCode, ImportHeader, ImportSource, ImportSummary } from '../import/types.js'
import { createUuidV7 } from '../product/uuid-v7.js'
import { emptyCounts } from '../storage/counts.js'
import {
  type ChangeSample,
  FINISHED_JOB_STATUSES as FINISHED,
  type ImportCheckpoint,
  type ImportCounts,
  type ImporterStorage,
  type ImportJobRecord,
  type RowError,
} from '../storage/types.js'
import { IMPORT_END_EVENTS, importEventData } from './_import-events.js'
import type { EventSink } from './_webhook-events.js'
import { DEFAULT_DATABASE_WAIT_MS, whileUnavailable } from './database-wait.js'
import { createImportQueue, type ImportQueue } from './import-queue.js'
import { addCounts, lostSummary, pickJobCounts, refuseResume, resumeInfo } from './job-resume.js'
import { createReadingReport } from './reading-report.js'
import { applyRememberedMapping, rememberMapping } from './remembered-mapping.js'
import { toImportJob } from './to-product.js'
import type { ImportJob, ImportsApi, ProductImporterOptions, StartImportOptions } from './types.js'

/** What an importer instance shares with its imports API about running jobs. */
export interface ImportsRuntime {
  /** Kept on the jobs this instance runs, so their heartbeat says who is alive. */
  instanceId: string
  queue: ImportQueue
  /** Marks the jobs of owners that stopped beating as interrupted. */
  sweep?: () => Promise<unknown>
  /** How long a heartbeat may be silent. */
  heartbeatTimeoutMs?: number
  /** How long a job write waits for a database that cannot be reached. */
  databaseWaitMs?: number
  /** Ends of jobs that could not be written when their import ended, written later. */
  ends?: {
    endLater(jobId: string, write: () => Promise<unknown>): void
    isEnding(jobId: string): boolean
    writeEnd(jobId: string): Promise<boolean>
  }
}

/**
 * Import jobs over a storage; `running` holds this instance's imports for cancel and close.
 * A job fires `import.started` when claimed and `import.completed`, `import.failed` or
 * `import.cancelled` with its final update, each in that write's transaction. A dry run fires
 * none: it changes nothing a receiver could act on.
 */
export function createImportsApi(
  storage: ImporterStorage,
  ready: () => Promise<void>,
  running: Map<string, { controller: AbortController; done: Promise<unknown> }>,
  defaults: ProductImporterOptions['importDefaults'] = {},
  runtime: ImportsRuntime = { instanceId: randomUUID(), queue: createImportQueue(Infinity) },
  events?: EventSink,
): ImportsApi {
  const { instanceId, queue } = runtime
  const waitMs = runtime.databaseWaitMs ?? DEFAULT_DATABASE_WAIT_MS
  /** A job write that waits out a database restart instead of failing the job on it. */
  const patient = <T>(write: () => Promise<T>, signal?: AbortSignal) =>
    whileUnavailable(write, waitMs, signal)
  /**
   * Writes the end of a job, waiting out a short outage; past it, the heartbeat takes it over
   * (written when the database is back, and never beaten meanwhile), so the job neither looks
   * alive nor claims a crash.
   */
  const recordEnd = async (jobId: string, write: () => Promise<unknown>) => {
    try {
      await patient(write)
    } catch (error) {
      runtime.ends?.endLater(jobId, write)
      throw error
    }
  }
  const view = (job: ImportJobRecord): ImportJob => ({
    ...toImportJob(job),
    queuePosition: queue.position(job.id),
  })
  /** Waits for a slot; a job taken out of the queue (cancel, close) gets none. */
  const turn = async (jobId: string) => {
    try {
      return await queue.enter(jobId)
    } catch {
      // Cancelled while waiting, or the importer closes: a job still pending ends cancelled.
      const job = await storage.getJob(jobId)
      if (job?.status === 'pending') {
        const batch = job.dryRun ? undefined : await events?.begin().catch(() => undefined)
        await storage.updateJob(
          jobId,
          { status: 'cancelled', phase: 'done', cancelRequested: true, finishedAt: new Date() },
          batch && [
            batch.add(
              'import.cancelled',
              importEventData(job, false, { status: 'cancelled', counts: job }),
            ),
          ],
        )
        batch?.commit()
      }
      return undefined
    }
  }
  // Time-ordered like product ids: new jobs append to the primary-key index, in creation order.
  const nextJobId = createUuidV7()
  /** A job that runs or waits for an owner that stopped beating (not us: we are alive). */
  const isStale = (job: ImportJobRecord) =>
    (job.status === 'running' || job.status === 'pending') &&
    job.ownerId != null &&
    job.ownerId !== instanceId &&
    runtime.heartbeatTimeoutMs !== undefined &&
    (job.heartbeatAt?.getTime() ?? 0) < Date.now() - runtime.heartbeatTimeoutMs
  const mustGet = async (id: string): Promise<ImportJobRecord> => {
    const job = await storage.getJob(id)
    if (!job) throw new ImporterError('NOT_FOUND', `no import job with id ${id}`)
    return job
  }

  /**
   * True when the job is no longer ours to finish: another instance found its heartbeat silent
   * (this process was paused or cut off from the database) and marked it interrupted, or resumed
   * it. Its record then says what really happened, and this instance leaves it alone.
   */
  const lostJob = async (jobId: string) => {
    const current = await patient(() => storage.getJob(jobId)).catch(() => undefined)
    return (
      current !== undefined &&
      (current.status !== 'running' || (current.ownerId ?? instanceId) !== instanceId)
    )
  }

  /**
   * Runs a claimed job to its end; `base` holds the counts of batches committed before. A
   * `fresh` job (not one reopened from a checkpoint) applies the remembered mapping and records
   * how to find its file again.
   */
  const execute = async (
    job: ImportJobRecord,
    source: ImportSource,
    options: StartImportOptions & { resumeFrom?: ImportCheckpoint },
    base: ImportCounts,
    fresh: boolean,
  ): Promise<ImportSummary> => {
    const jobId = job.id
    const controller = new AbortController()
    let settle!: () => void
    running.set(jobId, { controller, done: new Promise<void>((r) => (settle = r)) })
    try {
      return await runClaimed(job, source, options, base, controller, fresh)
    } finally {
      // After the job's last write: close() waits for this before it closes storage.
      running.delete(jobId)
      settle()
    }
  }

  const runClaimed = async (
    job: ImportJobRecord,
    source: ImportSource,
    options: StartImportOptions & { resumeFrom?: ImportCheckpoint },
    base: ImportCounts,
    controller: AbortController,
    fresh: boolean,
  ): Promise<ImportSummary> => {
    const jobId = job.id
    const dryRun = options.dryRun ?? job.dryRun
    // The end of a job is announced in the same write that records it.
    const endEvents = async (
      status: ImportSummary['status'],
      counts: ImportCounts,
      error?: { code: ImportErrorCode; message: string },
    ) => {
      const batch = dryRun ? undefined : await events?.begin()
      const list = batch && [
        batch.add(
          IMPORT_END_EVENTS[status],
          importEventData(job, false, { status, counts, error }),
        ),
      ]
      return { list, commit: () => batch?.commit() }
    }
    let ended: Awaited<ReturnType<typeof endEvents>> | undefined
    let bytesTotal = options.bytesTotal ?? job.bytesTotal ?? undefined
    const { remember: rememberOption, ...importOptions } = { ...defaults, ...options }
    const remember = rememberOption !== false
    let header: ImportHeader | undefined
    // claimJob already set status, phase and startedAt: one write, one change notification.
    let errors: RowError[] = []
    // A dry run's samples: written with the progress that follows them, and with its end.
    const samples: ChangeSample[] = []
    let samplesSaved = 0
    let summary: ImportSummary | undefined
    const reading = createReadingReport()
    try {
      let input = source
      // A resumed job reads its file as it did before, with the mapping it had then.
      if (fresh && remember && !importOptions.columns) {
        const found = await applyRememberedMapping(storage, source, {
          ...(importOptions.encoding ? { encoding: importOptions.encoding } : {}),
          ...(importOptions.delimiter ? { delimiter: importOptions.delimiter } : {}),
          signal: controller.signal,
        })
        input = found.source
        bytesTotal ??= found.bytesTotal
        if (found.remembered) {
          importOptions.columns = found.remembered.columns
          reading.applied(found.remembered)
        }
      }
      if (fresh) {
        // After the remembered mapping: a resume must map the rest of the file the same way.
        // Whether the job saves its own explicit mapping goes with it: a resume must neither
        // remember a mapping its start was told not to, nor bring back a remembered one that
        // mapped the file and was forgotten since.
        const resume = resumeInfo(source, {
          ...importOptions,
          remember: remember && options.columns !== undefined,
        })
        if (resume) await storage.updateJob(jobId, { resume })
      }
      const stream = importProducts(input, {
        ...importOptions,
        dryRun,
        storage,
        // The importer migrated on its first use already, or was told not to.
        migrate: false,
        signal: controller.signal,
        ...(bytesTotal === undefined ? {} : { bytesTotal }),
      })
      for await (const event of stream) {
        options.onEvent?.(event)
        if (event.type === 'row-error') errors.push(event.error)
        else if (event.type === 'change-sample') samples.push(event.sample)
        else if (event.type === 'done') summary = event.summary
        else if (event.type === 'header') {
          header = event.header
          reading.header(event.header)
        } else if (event.type === 'warning') reading.warning(event.warning)
        else if (event.type === 'progress') {
          if (errors.length > 0) {
            const written = errors
            await patient(() => storage.addRowErrors(jobId, written), controller.signal)
            errors = []
          }
          const {
            phase: _,
            elapsedMs: __,
            rowsPerSecond: ___,
            etaMs: ____,
            ...fields
          } = event.progress
          const found = samples.length > samplesSaved ? { changeSamples: [...samples] } : {}
          samplesSaved = samples.length
          const patch = { ...addCounts(fields, base), ...found, ...reading.changes() }
          const now = await patient(() => storage.updateJob(jobId, patch), controller.signal)
          // Marked interrupted meanwhile (this process looked dead): stop writing to the job.
          const lost =
            now && (now.status !== 'running' || (now.ownerId ?? instanceId) !== instanceId)
          if (now?.cancelRequested || lost) controller.abort()
        }
      }
      const done = summary!
      ended = await patient(() =>
        endEvents(done.status, addCounts(pickCounts(done), base), done.error),
      )
    } catch (error) {
      const failure = isImporterError(error)
        ? error
        : new ImporterError('INTERNAL', (error as Error).message, { cause: error })
      summary = (failure.details as { summary?: ImportSummary } | undefined)?.summary
      if (await lostJob(jobId)) return lostSummary(summary, job, failure)
      if (failure.code === 'RESUME_FILE_MISMATCH') {
        // Refused before anything was written: the job waits for the right file.
        await refuseResume(storage, jobId, failure)
        throw failure
      }
      const jobError = { code: failure.code, message: failure.message }
      const counts = summary ? addCounts(pickCounts(summary), base) : undefined
      // Storage itself may be what failed: the job's end waits for a database that is back in
      // a moment, so that it says why instead of staying `running`; the summary says so anyway.
      const failed = await patient(() => endEvents('failed', counts ?? base, jobError)).catch(
        () => ({ list: undefined, commit: () => {} }),
      )
      const end = {
        status: 'failed',
        phase: 'done',
        finishedAt: new Date(),
        error: jobError,
        ...counts,
        ...reading.all(),
      } as const
      await recordEnd(jobId, async () => {
        await storage.updateJob(jobId, end, failed.list)
        failed.commit()
      }).catch(() => {})
      if (errors.length > 0) {
        const written = errors
        await patient(() => storage.addRowErrors(jobId, written)).catch(() => {})
      }
      return lostSummary(summary, job, failure)
    }
    const final = summary!
    if (await lostJob(jobId)) return final
    if (remember && options.columns && !dryRun && final.status === 'completed' && header) {
      // The import is done either way: a mapping that cannot be stored is only not remembered.
      await rememberMapping(storage, header, options.columns).catch(() => {})
    }
    const end = {
      status: final.status,
      phase: 'done',
      finishedAt: new Date(),
      ...addCounts(pickCounts(final), base),
      ...reading.all(),
      // A finished dry run always says what it found, even that no update changes anything.
      ...(dryRun ? { changeSamples: samples } : {}),
    } as const
    await recordEnd(jobId, () => storage.updateJob(jobId, end, ended?.list))
    ended?.commit()
    return final
  }

  const api: ImportsApi = {
    async create(meta = {}) {
      await ready()
      const now = new Date()
      const job: ImportJobRecord = {
        id: nextJobId(),
        status: 'pending',
        phase: 'waiting',
        filename: meta.filename ?? null,
        dryRun: meta.dryRun ?? false,
        bytesRead: 0,
        bytesTotal: meta.bytesTotal ?? null,
        ...emptyCounts(),
        cancelRequested: false,
        error: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        updatedAt: now,
        // Owned from the start: a job waiting for its file or its turn is alive as long as we are.
        ownerId: instanceId,
        heartbeatAt: now,
      }
      await storage.createJob(job)
      return view(job)
    },

    async run(jobId, source, options = {}) {
      await ready()
      const release = (await turn(jobId)) ?? (() => {})
      try {
        // A job reopened after an interruption was started before: it fired import.started then.
        const reopened = (await storage.getJob(jobId))?.startedAt != null
        // No look for endpoints first: the source may be an upload that must be read at once.
        const started = events?.open()
        const job = await storage.claimJob(
          jobId,
          new Date(),
          instanceId,
          started &&
            ((claimed) =>
              reopened || (options.dryRun ?? claimed.dryRun)
                ? []
                : [started.add('import.started', importEventData(claimed, false))]),
        )
        if (!job) {
          const current = await mustGet(jobId)
          throw new ImporterError(
            'JOB_FINISHED',
            `import job ${jobId} is ${current.status}, not pending`,
          )
        }
        started?.commit()
        if (job.checkpoint || job.resume) {
          // A reopened job: read as it was, from its checkpoint on, adding to its counts.
          const checkpoint = job.checkpoint ?? undefined
          const stored = (job.resume?.options ?? {}) as StartImportOptions
          return await execute(
            job,
            source,
            {
              ...stored,
              ...options,
              // Saved at the end only when both the start and the resume allow it.
              remember: stored.remember !== false && options.remember !== false,
              ...(checkpoint ? { resumeFrom: checkpoint } : {}),
            },
            checkpoint ? pickJobCounts(job) : emptyCounts(),
            false,
          )
        }
        return await execute(job, source, options, emptyCounts(), true)
      } finally {
        release()
      }
    },

    async reopen(jobId, options = {}) {
      await ready()
      let job = await mustGet(jobId)
      if (isStale(job)) {
        await runtime.sweep?.()
        job = await mustGet(jobId)
      }
      if (job.status !== 'interrupted') {
        const live =
          (job.status === 'running' || job.status === 'pending') && job.heartbeatAt
            ? ` (its process beat ${Math.round((Date.now() - job.heartbeatAt.getTime()) / 1000)} s ago; a job whose process stopped is marked interrupted after ${Math.round((runtime.heartbeatTimeoutMs ?? 0) / 1000)} s of silence)`
            : ''
        throw new ImporterError(
          'NOT_RESUMABLE',
          `import job ${jobId} is ${job.status}${live}; only an interrupted import can be resumed`,
        )
      }
      if (!job.checkpoint && job.rows > 0 && !job.dryRun) {
        throw new ImporterError(
          'NOT_RESUMABLE',
          `import job ${jobId} committed ${job.rows} rows but its place in the file is unknown (only UTF-8 files can be resumed); import the file again instead`,
        )
      }
      // Before the job changes: a file that is not the one it read leaves it as it is.
      if (options.source !== undefined && job.checkpoint) {
        await checkResumedFile(options.source, job.checkpoint)
      }
      const reopened = await storage.reclaimJob(jobId, instanceId, new Date())
      if (!reopened) {
        throw new ImporterError(
          'NOT_RESUMABLE',
          `import job ${jobId} is no longer interrupted; another instance may have resumed it`,
        )
      }
      return view(reopened)
    },

    async resume(jobId, source, options = {}) {
      // A file on disk is checked before the job is reopened; a stream, as the run reads it.
      await api.reopen(jobId, typeof source === 'string' || source instanceof URL ? { source } : {})
      return api.run(jobId, source, options)
    },

    async start(source, options = {}) {
      const job = await api.create({
        ...(options.filename === undefined ? {} : { filename: options.filename }),
        ...(options.bytesTotal === undefined ? {} : { bytesTotal: options.bytesTotal }),
        ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
      })
      api.run(job.id, source, options).catch(() => {
        // run() records failures on the job itself
      })
      return job
    },

    async get(id) {
      await ready()
      const job = await storage.getJob(id)
      return job && view(job)
    },

    async list(options = {}) {
      await ready()
      return (await storage.listJobs(options)).map((job) => view(job))
    },

    async cancel(id) {
      await ready()
      let job = await mustGet(id)
      if (isStale(job)) {
        // Its owner died: what stops it is the sweep, which says so, not a flag nobody reads.
        await runtime.sweep?.()
        job = await mustGet(id)
      }
      if (job.status === 'interrupted') {
        throw new ImporterError(
          'JOB_FINISHED',
          `import job ${id} was interrupted and runs no more; the ${job.rows} rows it committed stay (resume it to import the rest)`,
        )
      }
      if (FINISHED.has(job.status)) return view(job)
      if (job.status === 'running' && job.ownerId === instanceId && !running.has(id)) {
        // Its import ended here and its end waits for the database: that end is what it is.
        // Without one (nothing runs it), the cancel ends it.
        if (await runtime.ends?.writeEnd(id)) return view(await mustGet(id))
        const ended = await storage.updateJob(id, {
          status: 'cancelled',
          phase: 'done',
          cancelRequested: true,
          finishedAt: new Date(),
        })
        return view(ended ?? job)
      }
      const patch =
        job.status === 'pending'
          ? ({
              status: 'cancelled',
              phase: 'done',
              cancelRequested: true,
              finishedAt: new Date(),
            } as const)
          : ({ cancelRequested: true } as const)
      // A pending job ends here, so its end is announced here; a running one announces its own.
      const batch = job.status === 'pending' && !job.dryRun ? await events?.begin() : undefined
      const updated = await storage.updateJob(
        id,
        patch,
        batch && [
          batch.add(
            'import.cancelled',
            importEventData(job, false, { status: 'cancelled', counts: job }),
          ),
        ],
      )
      batch?.commit()
      running.get(id)?.controller.abort()
      queue.leave(id)
      return view(updated ?? job)
    },

    async errors(id, options = {}) {
      await ready()
      await mustGet(id)
      return storage.listRowErrors(id, options)
    },

    async *watch(id, options = {}) {
      await ready()
      const interval = options.intervalMs ?? 250
      const signal = options.signal
      // A change announced while the job is being read is remembered, not lost.
      let changed = false
      let wake: (() => void) | undefined
      const unsubscribe = storage.onJobChange?.((jobId) => {
        if (jobId !== undefined && jobId !== id) return
        changed = true
        wake?.()
      })
      try {
        let last = ''
        for (;;) {
          changed = false
          const job = await mustGet(id)
          const state = `${JSON.stringify(job)} ${queue.position(id)}`
          if (state !== last) {
            last = state
            yield view(job)
          }
          if (FINISHED.has(job.status) || signal?.aborted) return
          if (!changed) {
            await new Promise<void>((resolve) => {
              const done = () => {
                clearTimeout(timer)
                signal?.removeEventListener('abort', done)
                wake = undefined
                resolve()
              }
              const timer = setTimeout(done, interval)
              signal?.addEventListener('abort', done, { once: true })
              wake = done
            })
          }
          if (signal?.aborted) return
        }
      } finally {
        unsubscribe?.()
      }
    },
  }
  return api
}

function pickCounts(s: ImportSummary) {
  return {
    rows: s.rows,
    created: s.created,
    updated: s.updated,
    unchanged: s.unchanged,
    invalid: s.invalid,
    duplicatesInFile: s.duplicatesInFile,
    bytesRead: s.bytesRead,
  }
}
