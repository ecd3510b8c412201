import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ImporterError } from '../errors.js'
import type { ImportSource, ImportSummary } from '../import/types.js'
import { emptyCounts } from '../storage/counts.js'
import type {
  ImportCounts,
  ImporterStorage,
  ImportJobRecord,
  ImportResumeInfo,
} from '../storage/types.js'
import type { StartImportOptions } from './types.js'

/**
 * The options a resumed job reads its file with again: how the file was read, and whether it
 * saves its mapping at the end; nothing else.
 */
const RESUMED_OPTIONS = [
  'batchSize',
  'onRowError',
  'headerAliases',
  'columns',
  'platform',
  'decimal',
  'currency',
  'locale',
  'encoding',
  'delimiter',
  'remember',
] as const satisfies readonly (keyof StartImportOptions)[]

/** Counts of batches committed before a resume, added to the counts of the rest of the file. */
export function addCounts<T extends Partial<ImportCounts>>(counts: T, base: ImportCounts): T {
  const sum = { ...counts }
  for (const key of Object.keys(base) as (keyof ImportCounts)[]) {
    if (sum[key] !== undefined) (sum[key] as number) += base[key]
  }
  return sum
}

/** The counts a job holds. */
export function pickJobCounts(job: ImportJobRecord): ImportCounts {
  const { rows, created, updated, unchanged, invalid, duplicatesInFile } = job
  return { rows, created, updated, unchanged, invalid, duplicatesInFile }
}

/** Where to find the file again and how it was read, when a resume could find it. */
export function resumeInfo(
  source: ImportSource,
  options: StartImportOptions,
): ImportResumeInfo | undefined {
  const where =
    options.resumeSource ??
    (typeof source === 'string'
      ? resolve(source)
      : source instanceof URL
        ? fileURLToPath(source)
        : undefined)
  if (where === undefined) return undefined
  const kept: Record<string, unknown> = {}
  for (const key of RESUMED_OPTIONS) if (options[key] !== undefined) kept[key] = options[key]
  return { source: where, options: kept }
}

/**
 * Puts back a reopened job whose run was given another file: interrupted as it was, with its
 * checkpoint and counts, saying why it did not continue. No end event: it did not end.
 */
export async function refuseResume(
  storage: ImporterStorage,
  jobId: string,
  failure: ImporterError,
): Promise<void> {
  await storage.updateJob(jobId, {
    status: 'interrupted',
    phase: 'done',
    finishedAt: new Date(),
    error: { code: failure.code, message: failure.message },
  })
}

/** The summary of an import that failed or was lost before it had one. */
export function lostSummary(
  summary: ImportSummary | undefined,
  job: ImportJobRecord,
  failure: ImporterError,
): ImportSummary {
  return (
    summary ?? {
      status: 'failed',
      dryRun: job.dryRun,
      ...emptyCounts(),
      skipped: 0,
      bytesRead: 0,
      durationMs: 0,
      warnings: [],
      error: { code: failure.code, message: failure.message },
    }
  )
}
