import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type ImporterError,
  type ImportSummary,
  isImporterError,
  type ProductImporter,
} from '@product-importer/core'
import type { H3Event, HTTPResponse } from 'h3'
import { assertBodyUnread } from './_body.js'
import { filenameFromDisposition, looksLikeCsv, mediaType, notCsv } from './_content-type.js'
import { type Started, startMultipart } from './_multipart.js'
import { importOptionsOf } from './_reading-options.js'
import { type BodyMeter, bodyChunks, contentLength } from './_request-body.js'
import { ApiError, type ApiErrorCode, uploadTooLarge } from './errors.js'
import { json, toJobJson } from './serialize.js'
import type { ResolvedOptions } from './types.js'

/** The job an upload goes into: an existing pending one, or a new one. */
export interface UploadTarget {
  jobId?: string
  filename?: string | null
  dryRun: boolean
}

/** How long to let a finished upload's import settle, so small files answer with their outcome. */
const SETTLE_MS = 1000
/** How long a refused body's answer waits for its import to fail, so the job it shows has. */
const REFUSED_SETTLE_MS = 10_000

/**
 * Streams the request body (raw CSV or multipart field `file`) into an import job and answers
 * 202 with the job once the body is in, or with the error that ended the import.
 */
export async function receiveUpload(
  event: H3Event,
  importer: ProductImporter,
  options: ResolvedOptions,
  target: UploadTarget,
): Promise<HTTPResponse> {
  assertBodyUnread(event)
  const declared = contentLength(event)
  if (declared !== undefined && declared > options.maxUploadBytes) {
    throw uploadTooLarge(options.maxUploadBytes)
  }
  const meter: BodyMeter = { bytes: 0, exceeded: false }
  const chunks = bodyChunks(event, options.maxUploadBytes, meter)
  const type = mediaType(event.req.headers.get('content-type'))
  const start = (
    source: AsyncIterable<Uint8Array> | Readable,
    filename: string | undefined,
    dryRun: boolean,
    fields: Record<string, string | undefined>,
  ) => {
    // Before the job exists, so a bad mapping or option leaves no job behind.
    const reading = importOptionsOf(fields, ['dry_run', 'filename'])
    const name = filename ?? target.filename ?? undefined
    const jobId = target.jobId
      ? Promise.resolve(target.jobId)
      : importer.imports
          .create({
            ...(name ? { filename: name } : {}),
            ...(declared === undefined ? {} : { bytesTotal: declared }),
            dryRun,
          })
          .then((job) => job.id)
    const run = jobId.then((id) =>
      importer.imports.run(id, source, {
        ...options.importOptions,
        ...reading,
        ...(name ? { filename: name } : {}),
        ...(declared === undefined ? {} : { bytesTotal: declared }),
        dryRun,
      }),
    )
    return { jobId, run }
  }

  let started: Started
  if (type === 'multipart/form-data') {
    started = await startMultipart(event, chunks, target.dryRun, start)
  } else {
    const filename =
      event.url.searchParams.get('filename') ??
      filenameFromDisposition(event.req.headers.get('content-disposition')) ??
      target.filename ??
      undefined
    if (type === 'application/x-www-form-urlencoded' || !looksLikeCsv(filename, type)) {
      throw notCsv(type, filename)
    }
    const tapped = tap(chunks)
    const fields = Object.fromEntries(event.url.searchParams)
    started = { ...start(tapped.source, filename, target.dryRun, fields), bodyDone: tapped.done }
  }
  return answer(importer, options, started, meter)
}

async function answer(
  importer: ProductImporter,
  options: ResolvedOptions,
  started: Started,
  meter: BodyMeter,
): Promise<HTTPResponse> {
  let bodyEnded = false
  let bodyRefused: ApiError | ImporterError | undefined
  started.bodyDone.then(
    () => (bodyEnded = true),
    (error: unknown) => {
      bodyEnded = true
      // The body broke a rule of the request (a field after the file): said as it is, whatever
      // the import has done by then; the import fails on the same error.
      if (error instanceof ApiError || isImporterError(error, 'VALIDATION_FAILED')) {
        bodyRefused = error
      }
    },
  )
  started.run.catch(() => {})
  const jobId = await started.jobId
  const first = await Promise.race([
    started.bodyDone.then(
      () => 'body' as const,
      () => 'body' as const,
    ),
    started.run.then(() => 'run' as const),
  ])
  let summary: ImportSummary | undefined
  if (first === 'run') {
    summary = await started.run
    // An import that ended early (failed, cancelled) stops reading: the rest of the body is not
    // waited for, and the connection closes with the answer. A completed one usually has only
    // the closing multipart boundary left.
    if (summary.status === 'completed')
      await Promise.race([started.bodyDone.catch(() => {}), delay(SETTLE_MS)])
  } else if (bodyRefused && !meter.exceeded) {
    // The import fails on the same error as soon as it reads to the end of its file.
    await Promise.race([started.run.catch(() => {}), delay(REFUSED_SETTLE_MS)])
    const job = await importer.imports.get(jobId)
    throw new ApiError(bodyRefused.code, bodyRefused.message, {
      details: { job_id: jobId, ...(job ? { job: toJobJson(job, options.basePath) } : {}) },
    })
  } else if (!meter.exceeded) {
    summary = await Promise.race([started.run, delay(SETTLE_MS)])
  }
  if (meter.exceeded) {
    await started.run.catch(() => {})
    throw uploadTooLarge(options.maxUploadBytes, { job_id: jobId })
  }
  const job = await importer.imports.get(jobId)
  if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}`)
  const body = toJobJson(job, options.basePath)
  if (summary?.status === 'failed') {
    const code = (summary.error?.code ?? 'SOURCE_FAILED') as ApiErrorCode
    // The caller gets the failed job to look at along with the reason.
    throw new ApiError(code, summary.error?.message ?? 'The import failed', {
      details: { job_id: jobId, job: body },
      headers: bodyEnded ? {} : { connection: 'close' },
    })
  }
  const headers: Record<string, string> = { location: body.progress_url }
  if (!bodyEnded) headers.connection = 'close'
  return json(body, 202, headers)
}

/** Passes chunks through and tells when the source ran out or failed. */
function tap(chunks: AsyncIterable<Uint8Array>) {
  let settle!: (error?: unknown) => void
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error))
  })
  async function* source() {
    try {
      for await (const chunk of chunks) yield chunk
      settle()
    } catch (error) {
      settle(error)
      throw error
    }
  }
  return { source: source(), done }
}

function delay(ms: number): Promise<undefined> {
  return sleep(ms, undefined, { ref: false })
}
