import { ImporterError } from '../errors.js'

/** Imports that may run at once, and the order the others wait in. */
export interface ImportQueue {
  /**
   * Resolves with a release function once the job may run; until then the job waits its turn.
   * Rejects with `CANCELLED` when {@link ImportQueue.leave} or `signal` takes it out first.
   */
  enter(jobId: string, signal?: AbortSignal): Promise<() => void>
  /** Takes a waiting job out of the queue (cancelled); a running one is left alone. */
  leave(jobId: string): void
  /** The job's 1-based place among the waiting ones, or null when it does not wait here. */
  position(jobId: string): number | null
  /** Takes every waiting job out (the importer closes). */
  close(): void
}

/** A first-in, first-out queue in front of at most `limit` running imports. */
export function createImportQueue(limit: number): ImportQueue {
  let running = 0
  const waiting: { jobId: string; start: () => void; stop: (error: Error) => void }[] = []

  const release = () => {
    running--
    const next = waiting.shift()
    if (next) {
      running++
      next.start()
    }
  }
  const once = () => {
    let done = false
    return () => {
      if (done) return
      done = true
      release()
    }
  }
  const cancelled = (jobId: string) =>
    new ImporterError('CANCELLED', `import job ${jobId} was cancelled while it waited its turn`)

  return {
    enter(jobId, signal) {
      if (running < limit && waiting.length === 0) {
        running++
        return Promise.resolve(once())
      }
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const at = waiting.indexOf(entry)
          if (at !== -1) waiting.splice(at, 1)
          reject(cancelled(jobId))
        }
        const entry = {
          jobId,
          start: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve(once())
          },
          stop: (error: Error) => {
            signal?.removeEventListener('abort', onAbort)
            reject(error)
          },
        }
        if (signal?.aborted) return reject(cancelled(jobId))
        signal?.addEventListener('abort', onAbort, { once: true })
        waiting.push(entry)
      })
    },
    leave(jobId) {
      const at = waiting.findIndex((entry) => entry.jobId === jobId)
      if (at === -1) return
      const [entry] = waiting.splice(at, 1)
      entry!.stop(cancelled(jobId))
    },
    close() {
      for (const entry of waiting.splice(0)) entry.stop(cancelled(entry.jobId))
    },
    position(jobId) {
      const at = waiting.findIndex((entry) => entry.jobId === jobId)
      return at === -1 ? null : at + 1
    },
  }
}
