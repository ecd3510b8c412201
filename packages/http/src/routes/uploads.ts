import {
  type ColumnMapping,
  type ImportJob,
  inspectProducts,
  type ProductImporter,
  strictObject,
} from '@product-importer/core'
import { z } from 'zod'
import { param } from '../_body.js'
import { filenameFromDisposition, looksLikeCsv, mediaType, notCsv } from '../_content-type.js'
import { readingFieldsSchema, readingOptionsOf, rememberOption } from '../_reading-options.js'
import { type BodyMeter, bodyChunks, contentLength } from '../_request-body.js'
import { defineRoute, jsonResponse } from '../_route.js'
import type { Router } from '../_router.js'
import type { StagedUpload, Staging } from '../_staging.js'
import { ApiError, uploadTooLarge } from '../errors.js'
import { inspectStaged } from '../inspect-staged.js'
import { stagedInspectionJsonSchema } from '../inspection-schema.js'
import { type UploadJson, uploadJsonSchema, uploadListSchema } from '../schemas.js'
import { json, toJobJson } from '../serialize.js'
import type { ResolvedOptions } from '../types.js'

/** An upload as the API returns it. */
export function toUploadJson(upload: StagedUpload, basePath: string): UploadJson {
  return {
    upload_id: upload.id,
    filename: upload.filename,
    size: upload.size,
    created_at: upload.createdAt.toISOString(),
    expires_at: upload.expiresAt.toISOString(),
    url: `${basePath}/api/uploads/${upload.id}/`,
  }
}

const uploadResponse = jsonResponse('The staged upload', uploadJsonSchema)

/**
 * `/api/uploads/...`: a file staged once on the server, so a preview (dry run), the import and
 * a retry read it there instead of receiving it again.
 */
export const uploadRouteSpecs = {
  stage: defineRoute({
    method: 'POST',
    path: '/api/uploads/',
    summary:
      'Stage a CSV (the raw body) on the server for a time; import or preview it later with POST /api/import/ {"upload_id"}',
    query: strictObject({ filename: z.string().max(255).optional().describe('The file name') }),
    upload: true,
    responses: {
      201: uploadResponse,
      413: 'The upload exceeds the limit',
      415: 'Not a CSV file (multipart is not taken here), or a compressed body (Content-Encoding)',
      507: 'STAGING_FULL: the staging folder has no room left for the upload; nothing of it was kept',
    },
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/uploads/',
    summary:
      'The staged uploads waiting to be imported (not imported, not expired), newest first: a file uploaded while its user was elsewhere is found again here',
    responses: {
      200: jsonResponse('The staged uploads', uploadListSchema),
    },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/uploads/:id/',
    summary: 'A staged upload',
    responses: { 200: uploadResponse, 404: 'Unknown, imported or expired' },
  }),
  inspect: defineRoute({
    method: 'POST',
    path: '/api/uploads/:id/inspect',
    summary:
      'How a staged upload will import, reading only its head: as POST /api/import/inspect, with the mapping remembered for its header applied (`remembered_mapping`), or the `mapping` given; a file without a known sku column is inspected too, for mapping',
    query: readingFieldsSchema.extend({
      rows: z.string().optional().describe('How many rows to show (1 to 100, 10 by default)'),
    }),
    responses: {
      200: jsonResponse('The inspection and the remembered mapping', stagedInspectionJsonSchema),
      400: 'Not a CSV the importer can read, or a bad mapping',
      404: 'Unknown, imported or expired',
    },
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/api/uploads/:id/',
    summary: 'Remove a staged upload',
    responses: { 204: 'Removed', 404: 'Unknown, imported or expired' },
  }),
}

export function uploadRoutes(
  router: Router,
  staging: Staging,
  options: ResolvedOptions,
  importer: ProductImporter,
): void {
  const specs = uploadRouteSpecs
  const tooLarge = () => uploadTooLarge(options.maxUploadBytes)

  router.on(specs.stage, async (event, { query }) => {
    const declared = contentLength(event)
    if (declared !== undefined && declared > options.maxUploadBytes) throw tooLarge()
    const type = mediaType(event.req.headers.get('content-type'))
    const filename =
      query.filename ??
      filenameFromDisposition(event.req.headers.get('content-disposition')) ??
      undefined
    if (type === 'multipart/form-data' || !looksLikeCsv(filename, type)) {
      throw notCsv(type, filename)
    }
    const meter: BodyMeter = { bytes: 0, exceeded: false }
    let upload: StagedUpload
    try {
      upload = await staging.save(
        bodyChunks(event, options.maxUploadBytes, meter),
        filename ?? null,
      )
    } catch (error) {
      if (meter.exceeded) throw tooLarge()
      throw error
    }
    return json(toUploadJson(upload, options.basePath), 201, {
      location: `${options.basePath}/api/uploads/${upload.id}/`,
    })
  })

  router.on(specs.list, async () => {
    const uploads = await staging.list()
    return json({ items: uploads.map((upload) => toUploadJson(upload, options.basePath)) })
  })

  router.on(specs.get, async (event) => {
    return json(toUploadJson(await mustGetUpload(staging, param(event, 'id')), options.basePath))
  })

  router.on(specs.inspect, async (event, { query }) => {
    const upload = await mustGetUpload(staging, param(event, 'id'))
    const { rows, ...fields } = query
    const n = Number(rows)
    const seen = await inspectStaged(importer, staging.pathOf(upload.id), {
      ...readingOptionsOf(fields),
      ...(rows !== undefined && Number.isInteger(n) && n >= 1 ? { rows: Math.min(n, 100) } : {}),
    })
    return json({ ...seen, upload_id: upload.id })
  })

  router.on(specs.remove, async (event) => {
    const upload = await mustGetUpload(staging, param(event, 'id'))
    await staging.remove(upload.id)
    return new Response(null, { status: 204 })
  })
}

/** The staged upload, or a 404 saying it is unknown or expired. */
export async function mustGetUpload(staging: Staging, id: string): Promise<StagedUpload> {
  const upload = await staging.get(id)
  if (!upload) {
    throw new ApiError('NOT_FOUND', `No staged upload ${id} (unknown, imported or expired)`)
  }
  return upload
}

/**
 * Starts an import (or a dry run) of a staged upload in the background and answers with its
 * job. A completed real import removes the file; a dry run or a failure keeps it, so the
 * import or a retry can follow without uploading again.
 */
export async function importStaged(
  importer: ProductImporter,
  staging: Staging,
  options: ResolvedOptions,
  uploadId: string,
  dryRun: boolean,
  columns?: ColumnMapping,
  remember?: boolean,
) {
  const upload = await mustGetUpload(staging, uploadId)
  if (columns) {
    // A mapping the file cannot take fails here, before a job exists (400, listing the headers).
    await inspectProducts(staging.pathOf(upload.id), { columns, rows: 1 })
  }
  const meta = {
    ...(upload.filename ? { filename: upload.filename } : {}),
    bytesTotal: upload.size,
    dryRun,
  }
  const job = await importer.imports.create(meta)
  void importer.imports
    .run(job.id, staging.pathOf(upload.id), {
      ...options.importOptions,
      ...meta,
      resumeSource: `${STAGED}${upload.id}`,
      ...(columns ? { columns } : {}),
      ...rememberOption(columns, remember),
    })
    .then(
      (summary) => {
        if (!dryRun && summary.status === 'completed') return staging.remove(upload.id)
      },
      () => {},
    )
  const body = toJobJson(job, options.basePath)
  return json({ ...body, upload_id: upload.id }, 202, { location: body.progress_url })
}

/** How a job remembers the staged upload it reads, to be resumed from it. */
const STAGED = 'upload:'

/**
 * Resumes an interrupted import of a staged upload in the background, from its last committed
 * batch, and answers with its job. Refused when the job is not interrupted or did not read a
 * staged upload, when the upload is gone, and when it is no longer the file the job read.
 */
export async function resumeStaged(
  importer: ProductImporter,
  staging: Staging,
  options: ResolvedOptions,
  job: ImportJob,
) {
  if (job.status !== 'interrupted') {
    throw new ApiError(
      'NOT_RESUMABLE',
      `Import job ${job.id} is ${job.status}; only an interrupted import can be resumed`,
    )
  }
  const source = job.resume?.source
  if (!source?.startsWith(STAGED)) {
    throw new ApiError(
      'NOT_RESUMABLE',
      `Import job ${job.id} did not read a staged upload; import the file again`,
    )
  }
  const upload = await staging.get(source.slice(STAGED.length))
  if (!upload) {
    throw new ApiError(
      'NOT_RESUMABLE',
      `The staged upload of import job ${job.id} is gone (expired or removed); import the file again`,
    )
  }
  // Refusals (another instance reopened it first, or the staged file is not the one the job
  // read) answer here; the import then runs as the job.
  const reopened = await importer.imports.reopen(job.id, { source: staging.pathOf(upload.id) })
  void importer.imports.run(job.id, staging.pathOf(upload.id), { ...options.importOptions }).then(
    (summary) => {
      if (!job.dryRun && summary.status === 'completed') return staging.remove(upload.id)
    },
    () => {},
  )
  const body = toJobJson(reopened, options.basePath)
  return json({ ...body, upload_id: upload.id }, 202, { location: body.progress_url })
}
