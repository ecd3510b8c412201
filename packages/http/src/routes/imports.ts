import type { ProductImporter, RowError } from '@product-importer/core'
import { isJsonRequest, param, parseWith, queryOf, readJson } from '../_body.js'
import { toByteStream } from '../_byte-stream.js'
import type { Router } from '../_router.js'
import type { Staging } from '../_staging.js'
import { ApiError } from '../errors.js'
import { importCreateBodySchema, jobListQuerySchema } from '../schemas.js'
import { json, toJobJson } from '../serialize.js'
import { jobEvents } from '../sse.js'
import type { ResolvedOptions } from '../types.js'
import { receiveUpload } from '../upload.js'
import { importStaged } from './uploads.js'

/**
 * `/api/import/...`: uploads, the two-step browser flow, imports of staged uploads, progress,
 * events, cancel, errors.
 */
export function importRoutes(
  router: Router,
  importer: ProductImporter,
  options: ResolvedOptions,
  staging: Staging,
): void {
  const { imports } = importer
  const mustGet = async (id: string) => {
    const job = await imports.get(id)
    if (!job) throw new ApiError('NOT_FOUND', `No import job with id ${id}`)
    return job
  }
  const dryRunOf = (url: URL) =>
    ['true', '1', 'yes'].includes(url.searchParams.get('dry_run') ?? '')

  router.on('POST', '/api/import', async (event) => {
    if (isJsonRequest(event)) {
      // Step one of the browser flow: a pending job that waits for PUT /api/import/{id}/file.
      const body = parseWith(
        importCreateBodySchema,
        await readJson(event, options.maxJsonBytes),
        'import',
      )
      if (body.upload_id) {
        return importStaged(
          importer,
          staging,
          options,
          body.upload_id,
          body.dry_run ?? dryRunOf(event.url),
        )
      }
      if (body.size !== undefined && body.size > options.maxUploadBytes) {
        throw new ApiError(
          'PAYLOAD_TOO_LARGE',
          `The upload exceeds ${options.maxUploadBytes} bytes`,
          {
            details: { max_bytes: options.maxUploadBytes },
          },
        )
      }
      const job = await imports.create({
        ...(body.filename ? { filename: body.filename } : {}),
        ...(body.size === undefined ? {} : { bytesTotal: body.size }),
        dryRun: body.dry_run ?? dryRunOf(event.url),
      })
      const jobJson = toJobJson(job, options.basePath)
      return json(jobJson, 201, { location: jobJson.progress_url })
    }
    return receiveUpload(event, importer, options, { dryRun: dryRunOf(event.url) })
  })

  // Uploads in progress here, so a second PUT for the same job is refused rather than raced.
  // (Across instances only the core can claim a job atomically.)
  const receiving = new Set<string>()

  router.on('PUT', '/api/import/:id/file', async (event) => {
    const job = await mustGet(param(event, 'id'))
    if (job.status !== 'pending' || receiving.has(job.id)) {
      throw new ApiError(
        'JOB_FINISHED',
        `Import job ${job.id} is ${receiving.has(job.id) ? 'receiving its file' : job.status}; it takes one file while pending`,
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

  router.on('GET', '/api/import/jobs', async (event) => {
    const query = parseWith(jobListQuerySchema, queryOf(event), 'query')
    const jobs = await imports.list({ limit: query.limit, offset: query.offset })
    return json({
      items: jobs.map((job) => toJobJson(job, options.basePath)),
      limit: query.limit,
      offset: query.offset,
    })
  })

  router.on('GET', '/api/import/progress/:job_id', async (event) => {
    return json(toJobJson(await mustGet(param(event, 'job_id')), options.basePath))
  })

  router.on('GET', '/api/import/:id', async (event) => {
    return json(toJobJson(await mustGet(param(event, 'id')), options.basePath))
  })

  router.on('GET', '/api/import/:id/events', async (event) => {
    return jobEvents(event, importer, options, await mustGet(param(event, 'id')))
  })

  router.on('POST', '/api/import/:id/cancel', async (event) => {
    await mustGet(param(event, 'id'))
    return json(toJobJson(await imports.cancel(param(event, 'id')), options.basePath), 202)
  })

  router.on('GET', '/api/import/:id/errors', async (event) => {
    const job = await mustGet(param(event, 'id'))
    const query = parseWith(jobListQuerySchema, queryOf(event), 'query')
    const errors = await imports.errors(job.id, { limit: query.limit, offset: query.offset })
    return json({ items: errors, total: job.invalid, limit: query.limit, offset: query.offset })
  })

  router.on('GET', '/api/import/:id/errors.csv', async (event) => {
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
