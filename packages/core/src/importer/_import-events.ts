import type { ImportErrorCode, ImportSummary } from '../import/types.js'
import type { ImportCounts, ImportJobRecord } from '../storage/types.js'
import type { ImportEndedEventData, ImportStartedEventData } from '../webhooks/event-data.js'
import type { WebhookEventType } from '../webhooks/event-types.js'

/** Where the API serves a job's rejected rows as CSV, relative to its mount point. */
export const errorReportPath = (jobId: string) => `/api/import/${jobId}/errors.csv`

/** The event a job's end fires. */
export const IMPORT_END_EVENTS = {
  completed: 'import.completed',
  failed: 'import.failed',
  cancelled: 'import.cancelled',
} as const satisfies Record<ImportSummary['status'], WebhookEventType>

/** How a job ended, for its event. */
interface ImportEnd {
  status: ImportSummary['status'] | 'interrupted'
  counts: ImportCounts
  error?: { code: ImportErrorCode; message: string } | null | undefined
}

/**
 * The `data` of an `import.*` event: the job, its counts so far (or at its end), the link to
 * its error report, and the error of a failed job.
 */
export function importEventData(
  job: Pick<ImportJobRecord, 'id' | 'filename'>,
  dryRun: boolean,
): ImportStartedEventData
export function importEventData(
  job: Pick<ImportJobRecord, 'id' | 'filename'>,
  dryRun: boolean,
  end: ImportEnd,
): ImportEndedEventData
export function importEventData(
  job: Pick<ImportJobRecord, 'id' | 'filename'>,
  dryRun: boolean,
  end?: ImportEnd,
): ImportStartedEventData | ImportEndedEventData {
  return {
    job_id: job.id,
    filename: job.filename,
    dry_run: dryRun,
    ...(end
      ? {
          status: end.status,
          rows: end.counts.rows,
          created: end.counts.created,
          updated: end.counts.updated,
          unchanged: end.counts.unchanged,
          invalid: end.counts.invalid,
          duplicates_in_file: end.counts.duplicatesInFile,
          errors_url: errorReportPath(job.id),
          ...(end.error ? { error: { code: end.error.code, message: end.error.message } } : {}),
        }
      : {}),
  }
}
