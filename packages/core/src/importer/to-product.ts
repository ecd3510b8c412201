import { toProduct } from '../product/wire.js'
import type { ImportJobRecord } from '../storage/types.js'
import type { ImportJob } from './types.js'

export { toProduct }

/** A stored job with its speed and time left derived. */
export function toImportJob(job: ImportJobRecord, now = Date.now()): ImportJob {
  const start = job.startedAt?.getTime()
  const end = job.finishedAt?.getTime() ?? now
  const elapsed = start === undefined ? 0 : Math.max(end - start, 1)
  const rowsPerSecond = elapsed > 0 ? Math.round((job.rows * 1000) / elapsed) : 0
  const etaMs =
    job.status === 'running' && job.bytesTotal && job.bytesRead > 0
      ? Math.max(0, Math.round((elapsed * (job.bytesTotal - job.bytesRead)) / job.bytesRead))
      : null
  return { ...job, rowsPerSecond, etaMs }
}
