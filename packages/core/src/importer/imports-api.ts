import { ImporterError, isImporterError } from '../errors.js'
import { importProducts } from '../import/import-products.js'
import type { ImportSummary } from '../import/types.js'
import { createUuidV7 } from '../product/uuid-v7.js'
import { emptyCounts } from '../storage/counts.js'
import type { ImportCounts, ImporterStorage, ImportJobRecord, RowError } from '../storage/types.js'
import { IMPORT_END_EVENTS, importEventData } from './_import-events.js'
import type { EventSink } from './_webhook-events.js'
import { toImportJob } from './to-product.js'
import type { ImportsApi, ProductImporterOptions } from './types.js'

const FINISHED = new Set(['completed', 'failed', 'cancelled'])

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
  events?: EventSink,
): ImportsApi {
  // Time-ordered like product ids: new jobs append to the primary-key index, in creation order.
  const nextJobId = createUuidV7()
  const mustGet = async (id: string): Promise<ImportJobRecord> => {
    const job = await storage.getJob(id)
    if (!job) throw new ImporterError('NOT_FOUND', `no import job with id ${id}`)
    return job
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
      }
      await storage.createJob(job)
      return toImportJob(job)
    },

    async run(jobId, source, options = {}) {
      await ready()
      // No look for endpoints first: the source may be an upload that must be read at once.
      const started = events?.open()
      const job = await storage.claimJob(
        jobId,
        new Date(),
        started &&
          ((claimed) =>
            (options.dryRun ?? claimed.dryRun)
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
      const dryRun = options.dryRun ?? job.dryRun
      // The end of a job is announced in the same write that records it.
      const endEvents = async (
        status: ImportSummary['status'],
        counts: ImportCounts,
        error?: { code: string; message: string },
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
      const controller = new AbortController()
      let settle!: () => void
      running.set(jobId, { controller, done: new Promise<void>((r) => (settle = r)) })
      const bytesTotal = options.bytesTotal ?? job.bytesTotal ?? undefined
      // claimJob already set status, phase and startedAt: one write, one change notification.
      let errors: RowError[] = []
      let summary: ImportSummary | undefined
      try {
        const events = importProducts(source, {
          ...defaults,
          ...options,
          dryRun,
          storage,
          signal: controller.signal,
          ...(bytesTotal === undefined ? {} : { bytesTotal }),
        })
        for await (const event of events) {
          if (event.type === 'row-error') errors.push(event.error)
          else if (event.type === 'done') summary = event.summary
          else if (event.type === 'progress') {
            if (errors.length > 0) {
              await storage.addRowErrors(jobId, errors)
              errors = []
            }
            const {
              phase: _,
              elapsedMs: __,
              rowsPerSecond: ___,
              etaMs: ____,
              ...fields
            } = event.progress
            const now = await storage.updateJob(jobId, fields)
            if (now?.cancelRequested) controller.abort()
          }
        }
        // Read before the job stops counting as running: close() closes storage right after,
        // and the final write below must already be on its way by then.
        ended = await endEvents(summary!.status, summary!, summary!.error)
      } catch (error) {
        const failure = isImporterError(error)
          ? error
          : new ImporterError('INTERNAL', (error as Error).message, { cause: error })
        summary = (failure.details as { summary?: ImportSummary } | undefined)?.summary
        const jobError = { code: failure.code, message: failure.message }
        const failed = await endEvents('failed', summary ?? emptyCounts(), jobError).catch(() => ({
          list: undefined,
          commit: () => {},
        }))
        await storage
          .updateJob(
            jobId,
            {
              status: 'failed',
              phase: 'done',
              finishedAt: new Date(),
              error: jobError,
              ...(summary ? pickCounts(summary) : {}),
            },
            failed.list,
          )
          .then(failed.commit)
          .catch(() => {}) // storage itself may be what failed; the summary still says why
        if (errors.length > 0) await storage.addRowErrors(jobId, errors).catch(() => {})
        return (
          summary ?? {
            status: 'failed',
            dryRun: job.dryRun,
            ...emptyCounts(),
            skipped: 0,
            bytesRead: 0,
            durationMs: 0,
            error: { code: failure.code, message: failure.message },
          }
        )
      } finally {
        running.delete(jobId)
        settle()
      }
      const final = summary!
      await storage.updateJob(
        jobId,
        {
          status: final.status,
          phase: 'done',
          finishedAt: new Date(),
          ...pickCounts(final),
        },
        ended?.list,
      )
      ended?.commit()
      return final
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
      return job && toImportJob(job)
    },

    async list(options = {}) {
      await ready()
      return (await storage.listJobs(options)).map((job) => toImportJob(job))
    },

    async cancel(id) {
      await ready()
      const job = await mustGet(id)
      if (FINISHED.has(job.status)) return toImportJob(job)
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
      return toImportJob(updated ?? job)
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
          const state = JSON.stringify(job)
          if (state !== last) {
            last = state
            yield toImportJob(job)
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
