import type { ProductImporter, RowError } from '@product-importer/core'
import { z } from 'zod'
import { param } from '../_body.js'
import { toByteStream } from '../_byte-stream.js'
import { mediaType } from '../_content-type.js'
import { readingFieldsSchema, rememberFieldSchema } from '../_reading-options.js'
import { contentLength } from '../_request-body.js'
import { csvResponse, defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import type { Staging } from '../_staging.js'
import { ApiError, uploadTooLarge } from '../errors.js'
import { inspectUpload } from '../inspect-upload.js'
import { inspectionJsonSchema } from '../inspection-schema.js'
import {
  importCreateBodySchema,
  importJobJsonSchema,
  importJobPageSchema,
  importUploadQuerySchema,
  jobListQuerySchema,
} from '../schemas.js'
import { json, toJobJson } from '../serialize.js'
import { jobEvents } from '../sse.js'
import type { ResolvedOptions } from '../types.js'
import { receiveUpload } from '../upload.js'
import { importStaged, resumeStaged } from './uploads.js'

const uploadResponses = {
  202: jsonResponse('The file is in; the import runs (or finished)', importJobJsonSchema),
  400: 'No file, or not a CSV the importer can read',
  413: 'The upload exceeds the limit',
  415: 'Not a CSV file, or a compressed body (Content-Encoding other than identity)',
}

/** `/api/import/...`: uploads, the two-step browser flow, progress, events, cancel, errors. */
export const importRouteSpecs = {
  upload: defineRoute({
    method: 'POST',
    path: '/api/import/',
    summary:
      'Upload a CSV and import it; or, with a JSON body, import a staged upload (`upload_id`) or create a pending job for PUT /api/import/{id}/file',
    query: importUploadQuerySchema
      .extend(readingFieldsSchema.shape)
      .extend({ remember: rememberFieldSchema }),
    upload: true,
    body: importCreateBodySchema,
    bodyName: 'import',
    responses: {
      ...uploadResponses,
      201: jsonResponse('Pending job created (JSON body)', importJobJsonSchema),
    },
  }),
  uploadFile: defineRoute({
    method: 'PUT',
    path: '/api/import/:id/file',
    summary: 'Stream the file of a pending job',
    query: importUploadQuerySchema
      .pick({ filename: true })
      .extend(readingFieldsSchema.shape)
      .extend({ remember: rememberFieldSchema }),
    upload: true,
    responses: { ...uploadResponses, 404: 'No such job', 409: 'The job is not pending' },
  }),
  inspect: defineRoute({
    method: 'POST',
    path: '/api/import/inspect',
    summary:
      'How a CSV will import, reading only its head: platform, encoding, delimiter, the field of each column with samples, and the first rows; writes nothing',
    query: readingFieldsSchema.extend({
      rows: z.string().optional().describe('How many rows to show (1 to 100, 10 by default)'),
      filename: z.string().max(255).optional().describe('The file name'),
    }),
    upload: true,
    responses: {
      200: jsonResponse('The inspection', inspectionJsonSchema),
      400: 'Not a CSV the importer can read, or a bad mapping',
      413: 'The upload exceeds the limit',
      415: 'Not a CSV file, or a compressed body (Content-Encoding other than identity)',
    },
  }),
  jobs: defineRoute({
    method: 'GET',
    path: '/api/import/jobs/',
    summary: 'List import jobs, newest first',
    query: jobListQuerySchema,
    responses: { 200: jsonResponse('Jobs', importJobPageSchema), 400: 'Bad query' },
  }),
  progress: defineRoute({
    method: 'GET',
    path: '/api/import/progress/:job_id/',
    summary: 'Progress of a job (polling)',
    responses: { 200: jsonResponse('The job', importJobJsonSchema), 404: 'No such job' },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/import/:id/',
    summary: 'A job',
    responses: { 200: jsonResponse('The job', importJobJsonSchema), 404: 'No such job' },
  }),
  events: defineRoute({
    method: 'GET',
    path: '/api/import/:id/events',
    summary:
      'Server-Sent Events: the current state first, `progress` on each change, then `completed`, `failed`, `cancelled` or `interrupted`; data is an ImportJob',
    responses: {
      200: { description: 'An event stream', media: 'text/event-stream' },
      404: 'No such job',
    },
  }),
  cancel: defineRoute({
    method: 'POST',
    path: '/api/import/:id/cancel',
    summary: 'Cancel a job (it stops between batches; whole batches only)',
    responses: {
      202: jsonResponse('Cancellation asked', importJobJsonSchema),
      404: 'No such job',
      409: 'The job was interrupted: nothing runs to cancel',
    },
  }),
  resume: defineRoute({
    method: 'POST',
    path: '/api/import/:id/resume',
    summary:
      'Resume an interrupted import of a staged upload from its last committed batch (the rows before it are not read again)',
    responses: {
      202: jsonResponse('The import continues', importJobJsonSchema),
      404: 'No such job',
      409: 'The job is not interrupted, did not read a staged upload, the upload is gone, or it is no longer the file the job read (RESUME_FILE_MISMATCH)',
    },
  }),
  errorList: defineRoute({
    method: 'GET',
    path: '/api/import/:id/errors',
    summary: 'Row errors of a job as JSON, a page at a time (the preview shows the first)',
    query: jobListQuerySchema,
    responses: {
      200: jsonResponse(
        'Row errors: line, sku, column, value, message',
        z.object({
          items: z.array(
            z.object({
              line: z.number().int(),
              sku: z.string().nullable(),
              column: z.string().nullable(),
              value: z.string().nullable(),
              message: z.string(),
            }),
          ),
          total: z.number().int(),
          limit: z.number().int(),
          offset: z.number().int(),
        }),
      ),
      404: 'No such job',
    },
  }),
  errors: defineRoute({
    method: 'GET',
    path: '/api/import/:id/errors.csv',
    summary: 'Row errors of a job',
    responses: { 200: csvResponse('line,sku,column,message'), 404: 'No such job' },
  }),
}

/** Registers the handlers of {@link importRouteSpecs}. */
export function importRoutes(
  router: Router,
  importer: ProductImporter,
  options: ResolvedOptions,
  staging: Staging,
): void {
  const { imports } = importer
  const specs = importRouteSpecs
  const mustGet = async (id: string) => {
    const job = await imports.get(id)
    if (!job) throw new ApiError('NOT_FOUND', `No import job with id ${id}`)
    return job
  }

  router.on(specs.upload, async (event, { query, body }) => {
    if (!body) return receiveUpload(event, importer, options, { dryRun: query.dry_run ?? false })
    // With JSON: an import of a staged upload, or step one of the two-step flow, a pending job
    // that waits for PUT /api/import/{id}/file.
    const { filename, size, dry_run, upload_id, mapping, remember, ...unhandled } = body
    // A field added to the schema is a type error here until it is handled.
    const _none: Record<string, never> = unhandled
    if (upload_id) {
      // A file staged with POST /api/uploads/: imported (or previewed) without a new upload.
      const dryRun = dry_run ?? query.dry_run ?? false
      return importStaged(importer, staging, options, upload_id, dryRun, mapping, remember)
    }
    if (mapping || remember !== undefined) {
      throw new ApiError(
        'VALIDATION_FAILED',
        'A mapping or remember in the JSON body goes with an upload_id; for a file sent later, pass them as query parameters of PUT /api/import/{id}/file',
      )
    }
    if (size !== undefined && size > options.maxUploadBytes) {
      throw uploadTooLarge(options.maxUploadBytes)
    }
    const job = await imports.create({
      ...(filename ? { filename } : {}),
      ...(size === undefined ? {} : { bytesTotal: size }),
      dryRun: dry_run ?? query.dry_run ?? false,
    })
    const jobJson = toJobJson(job, options.basePath)
    return json(jobJson, 201, { location: jobJson.progress_url })
  })

  // Uploads in progress here, so a second PUT for the same job is refused rather than raced.
  // (Across instances only the core can claim a job atomically.)
  const receiving = new Set<string>()

  router.on(specs.inspect, (event) => inspectUpload(event, options))

  router.on(specs.uploadFile, async (event) => {
    const job = await mustGet(param(event, 'id'))
    if (job.status !== 'pending' || receiving.has(job.id)) {
      throw new ApiError(
        'JOB_FINISHED',
        `Import job ${job.id} is ${receiving.has(job.id) ? 'receiving its file' : job.status}; it takes one file while pending`,
      )
    }
    // A raw body's length is the file's; a multipart body's also counts its boundaries.
    const raw = mediaType(event.req.headers.get('content-type')) !== 'multipart/form-data'
    const length = raw ? contentLength(event) : undefined
    if (job.bytesTotal !== null && length !== undefined && length !== job.bytesTotal) {
      // The job was created for a file of that size: another file would import in its place.
      throw new ApiError(
        'VALIDATION_FAILED',
        `The body is ${length} bytes, but job ${job.id} was created for a file of ${job.bytesTotal} bytes: send that file, or create a new job`,
        { details: { size: job.bytesTotal, content_length: length } },
      )
    }
    receiving.add(job.id)
    try {
      return await receiveUpload(event, importer, options, {
        jobId: job.id,
        filename: job.filename,
        dryRun: job.dryRun,
      })
    } finally {
      receiving.delete(job.id)
    }
  })

  router.on(specs.jobs, async (_event, { query }) => {
    const jobs = await imports.list({ limit: query.limit, offset: query.offset })
    return json({
      items: jobs.map((job) => toJobJson(job, options.basePath)),
      limit: query.limit,
      offset: query.offset,
    })
  })

  router.on(specs.progress, async (event) => {
    return json(toJobJson(await mustGet(param(event, 'job_id')), options.basePath))
  })

  router.on(specs.get, async (event) => {
    return json(toJobJson(await mustGet(param(event, 'id')), options.basePath))
  })

  router.on(specs.events, async (event) => {
    return jobEvents(event, importer, options, await mustGet(param(event, 'id')))
  })

  router.on(specs.cancel, async (event) => {
    await mustGet(param(event, 'id'))
    return json(toJobJson(await imports.cancel(param(event, 'id')), options.basePath), 202)
  })

  router.on(specs.resume, async (event) => {
    return resumeStaged(importer, staging, options, await mustGet(param(event, 'id')))
  })

  router.on(specs.errorList, async (event, { query }) => {
    const job = await mustGet(param(event, 'id'))
    const errors = await imports.errors(job.id, { limit: query.limit, offset: query.offset })
    return json({ items: errors, total: job.invalid, limit: query.limit, offset: query.offset })
  })

  router.on(specs.errors, async (event) => {
    const job = await mustGet(param(event, 'id'))
    return new Response(toByteStream(errorRows(importer, job.id)), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="import-${job.id}-errors.csv"`,
        'cache-control': 'no-store',
      },
    })
  })
}

/** The row errors of a job as CSV, a page at a time. */
async function* errorRows(importer: ProductImporter, id: string): AsyncGenerator<string> {
  yield 'line,sku,column,message\r\n'
  const limit = 1000
  for (let offset = 0; ; offset += limit) {
    const errors = await importer.imports.errors(id, { offset, limit })
    if (errors.length > 0) yield errors.map(toCsvLine).join('')
    if (errors.length < limit) return
  }
}

function toCsvLine(error: RowError): string {
  return `${[String(error.line), error.sku ?? '', error.column ?? '', error.message].map(csvCell).join(',')}\r\n`
}

function csvCell(value: string): string {
  // A SKU from the file may start with = or +: keep spreadsheets from running it.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
