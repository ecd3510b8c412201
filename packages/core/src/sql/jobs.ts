import type { Kysely } from 'kysely'
import type { ImportErrorCode } from '../import/types.js'
import type { ImportJobPatch, ImportJobRecord, RowError } from '../storage/types.js'
import type { SqlFlavor } from './flavor.js'
import { toJobRecord, toRowError } from './rows.js'
import type { ImporterDatabase, ImportJobsTable } from './schema.js'

function jobColumns(patch: ImportJobPatch, flavor: SqlFlavor): Partial<ImportJobsTable> {
  const t = (d: Date | null | undefined) => (d == null ? d : flavor.time(d))
  const columns: Partial<ImportJobsTable> = {
    status: patch.status,
    phase: patch.phase,
    bytes_read: patch.bytesRead,
    bytes_total: patch.bytesTotal,
    rows: patch.rows,
    created: patch.created,
    updated: patch.updated,
    unchanged: patch.unchanged,
    invalid: patch.invalid,
    duplicates_in_file: patch.duplicatesInFile,
    cancel_requested:
      patch.cancelRequested === undefined ? undefined : flavor.bool(patch.cancelRequested),
    started_at: t(patch.startedAt),
    finished_at: t(patch.finishedAt),
    owner_id: patch.ownerId,
    heartbeat_at: t(patch.heartbeatAt),
    checkpoint: patch.checkpoint === undefined ? undefined : json(patch.checkpoint),
    resume: patch.resume === undefined ? undefined : json(patch.resume),
    change_samples: patch.changeSamples === undefined ? undefined : json(patch.changeSamples),
    platform: patch.platform,
    mapping: patch.mapping === undefined ? undefined : json(patch.mapping),
    warnings: patch.warnings === undefined ? undefined : json(patch.warnings),
    remembered_mapping:
      patch.rememberedMapping === undefined ? undefined : json(patch.rememberedMapping),
  }
  if (patch.error !== undefined) {
    columns.error_code = patch.error?.code ?? null
    // PostgreSQL text cannot hold NUL, and an error message may quote the input that had one.
    columns.error_message = patch.error?.message.replaceAll('\0', '\\0') ?? null
  }
  for (const key of Object.keys(columns) as (keyof ImportJobsTable)[]) {
    if (columns[key] === undefined) delete columns[key]
  }
  return columns
}

const json = (value: object | null) => (value === null ? null : JSON.stringify(value))

/** Shared import-job queries of the Kysely adapters. */
export function createJobQueries(db: Kysely<ImporterDatabase>, flavor: SqlFlavor) {
  const get = async (id: string) => {
    const row = await db
      .selectFrom('import_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && toJobRecord(row)
  }
  return {
    get,

    async create(job: ImportJobRecord): Promise<void> {
      await db
        .insertInto('import_jobs')
        .values({
          id: job.id,
          filename: job.filename,
          dry_run: flavor.bool(job.dryRun),
          // A full record sets every other column.
          ...(jobColumns(job, flavor) as Omit<
            ImportJobsTable,
            'id' | 'filename' | 'dry_run' | 'created_at' | 'updated_at'
          >),
          created_at: flavor.time(job.createdAt),
          updated_at: flavor.time(job.updatedAt),
        })
        .execute()
    },

    async update(id: string, patch: ImportJobPatch): Promise<ImportJobRecord | undefined> {
      await db
        .updateTable('import_jobs')
        .set({ ...jobColumns(patch, flavor), updated_at: flavor.time(new Date()) })
        .where('id', '=', id)
        .execute()
      return get(id)
    },

    async claim(
      id: string,
      startedAt: Date,
      ownerId?: string,
    ): Promise<ImportJobRecord | undefined> {
      const result = await db
        .updateTable('import_jobs')
        .set({
          status: 'running',
          phase: 'importing',
          started_at: flavor.time(startedAt),
          updated_at: flavor.time(new Date()),
          ...(ownerId === undefined
            ? {}
            : { owner_id: ownerId, heartbeat_at: flavor.time(startedAt) }),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1 ? get(id) : undefined
    },

    async reclaim(id: string, ownerId: string, at: Date): Promise<ImportJobRecord | undefined> {
      const result = await db
        .updateTable('import_jobs')
        .set({
          status: 'pending',
          phase: 'waiting',
          owner_id: ownerId,
          heartbeat_at: flavor.time(at),
          cancel_requested: flavor.bool(false),
          finished_at: null,
          error_code: null,
          error_message: null,
          updated_at: flavor.time(at),
        })
        .where('id', '=', id)
        .where('status', '=', 'interrupted')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1 ? get(id) : undefined
    },

    async beat(ownerId: string, at: Date, except: readonly string[]): Promise<void> {
      let query = db
        .updateTable('import_jobs')
        .set({ heartbeat_at: flavor.time(at) })
        .where('owner_id', '=', ownerId)
        .where('status', 'in', ['pending', 'running'])
      if (except.length > 0) query = query.where('id', 'not in', except)
      await query.execute()
    },

    async interruptStale(
      staleBefore: Date,
      patch: { finishedAt: Date; error: { code: ImportErrorCode; message: string } },
    ): Promise<ImportJobRecord[]> {
      const before = flavor.time(staleBefore)
      const stale = await db
        .selectFrom('import_jobs')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([
              eb('status', 'in', ['pending', 'running']),
              eb('owner_id', 'is not', null),
              eb('heartbeat_at', '<', before),
            ]),
            eb.and([
              eb('status', '=', 'running'),
              eb('owner_id', 'is', null),
              eb('updated_at', '<', before),
            ]),
          ]),
        )
        .execute()
      const marked: ImportJobRecord[] = []
      for (const { id } of stale) {
        // Conditional on the staleness read: an owner that beat in between keeps its job.
        const result = await db
          .updateTable('import_jobs')
          .set({
            status: 'interrupted',
            phase: 'done',
            finished_at: flavor.time(patch.finishedAt),
            error_code: patch.error.code,
            error_message: patch.error.message,
            updated_at: flavor.time(new Date()),
          })
          .where('id', '=', id)
          .where('status', 'in', ['pending', 'running'])
          .where((eb) =>
            eb.or([
              eb('heartbeat_at', '<', before),
              eb.and([
                eb('status', '=', 'running'),
                eb('owner_id', 'is', null),
                eb('updated_at', '<', before),
              ]),
            ]),
          )
          .executeTakeFirst()
        if (Number(result.numUpdatedRows) === 1) {
          const job = await get(id)
          if (job) marked.push(job)
        }
      }
      return marked
    },

    async list({ limit = 50, offset = 0 } = {}): Promise<ImportJobRecord[]> {
      const rows = await db
        .selectFrom('import_jobs')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute()
      return rows.map(toJobRecord)
    },

    async addRowErrors(jobId: string, errors: readonly RowError[]): Promise<void> {
      // 7 parameters a row; 100 rows stay far under every driver's parameter limit.
      for (let i = 0; i < errors.length; i += 100) {
        await db
          .insertInto('import_row_errors')
          .values(
            errors.slice(i, i + 100).map((e) => ({
              job_id: jobId,
              line: e.line,
              sku: e.sku,
              column_name: e.column,
              value: e.value,
              message: e.message,
            })),
          )
          .execute()
      }
    },

    async listRowErrors(jobId: string, { offset = 0, limit = 1000 } = {}): Promise<RowError[]> {
      const rows = await db
        .selectFrom('import_row_errors')
        .selectAll()
        .where('job_id', '=', jobId)
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute()
      return rows.map(toRowError)
    },
  }
}
