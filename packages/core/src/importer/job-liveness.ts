import type { ImporterStorage } from '../storage/types.js'
import { importEventData } from './_import-events.js'
import type { EventSink } from './_webhook-events.js'

/** How often an owner refreshes its jobs' heartbeat, unless told otherwise. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000
/** How long a job's heartbeat may be silent before the job counts as interrupted. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 30_000

/** Options of {@link createJobLiveness}. */
export interface JobLivenessOptions {
  ownerId: string
  intervalMs: number
  timeoutMs: number
  /**
   * Where an interrupted job announces its end: `import.failed` with the interruption as its
   * error, written with the mark.
   */
  events?: EventSink
}

/**
 * Keeps this instance's jobs alive in storage and ends the jobs of owners that died. Started on
 * the importer's first use: it interrupts stale jobs at once, then beats every `intervalMs` and
 * looks for stale jobs again while other instances may share the database (`multiInstance`) or
 * while jobs of another owner are still live (a CLI import beside a server on one SQLite file).
 */
export function createJobLiveness(storage: ImporterStorage, options: JobLivenessOptions) {
  let timer: ReturnType<typeof setInterval> | undefined
  // Jobs whose import ended while their end could not be written: written at each tick until
  // it takes, and never beaten meanwhile, so that they cannot look alive.
  const ends = new Map<string, () => Promise<unknown>>()
  const writeEnds = async () => {
    for (const [jobId, write] of ends) {
      try {
        await write()
        ends.delete(jobId)
      } catch {
        // Still unreachable: the next tick tries again.
      }
    }
  }
  let watchOthers = storage.capabilities?.multiInstance ?? false
  let ticking: Promise<void> | undefined

  const sweep = async () => {
    const now = Date.now()
    const error = {
      code: 'INTERRUPTED' as const,
      message: `the process running this import stopped (no heartbeat for ${Math.round(options.timeoutMs / 1000)} s); the counts are those of the batches it committed`,
    }
    const batch = await options.events?.begin()
    const marked = await storage.interruptStaleJobs(
      new Date(now - options.timeoutMs),
      { finishedAt: new Date(now), error },
      batch &&
        ((job) =>
          job.dryRun
            ? []
            : [
                batch.add(
                  'import.failed',
                  importEventData(job, false, { status: 'interrupted', counts: job, error }),
                ),
              ]),
    )
    batch?.commit()
    if (storage.capabilities?.multiInstance) return marked
    // One database file, so few jobs: a glance tells whether another owner is still at work.
    const live = await storage.listJobs({ limit: 50 })
    watchOthers = live.some(
      (job) =>
        (job.status === 'running' || job.status === 'pending') &&
        job.ownerId != null &&
        job.ownerId !== options.ownerId,
    )
    return marked
  }

  const tick = () => {
    ticking ??= (async () => {
      try {
        await writeEnds()
        await storage.beatJobs(options.ownerId, new Date(), [...ends.keys()])
        if (watchOthers) await sweep()
      } catch {
        // A storage that failed or closed: the next tick tries again, close() stops the timer.
      } finally {
        ticking = undefined
      }
    })()
    return ticking
  }

  return {
    /**
     * Takes the end of a job whose import is over but whose record could not be told so (the
     * database was away): written at the next ticks, and the job no longer beaten.
     */
    endLater(jobId: string, write: () => Promise<unknown>): void {
      ends.set(jobId, write)
    },
    /** True when `jobId` ended here and waits for its end to be written. */
    isEnding: (jobId: string) => ends.has(jobId),
    /** Writes the end of `jobId` now if it waits for it; resolves true once written. */
    async writeEnd(jobId: string): Promise<boolean> {
      const write = ends.get(jobId)
      if (!write) return false
      await write()
      ends.delete(jobId)
      return true
    },
    /** Interrupts the jobs whose owner stopped beating, now; returns them. */
    sweep,
    /** Interrupts stale jobs now and starts the timer. Call once. */
    async start(): Promise<void> {
      await sweep()
      timer = setInterval(tick, options.intervalMs)
      // The timer alone must not keep a process alive.
      timer.unref?.()
    },
    /** Stops the timer and waits for a tick in flight. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer)
      timer = undefined
      await ticking
      // A last try: a job left running here would otherwise be taken for a crash.
      await writeEnds()
    },
  }
}
