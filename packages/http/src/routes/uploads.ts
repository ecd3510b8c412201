import type { ProductImporter } from '@product-importer/core'
import { param } from '../_body.js'
import { filenameFromDisposition, looksLikeCsv, mediaType, notCsv } from '../_content-type.js'
import { type BodyMeter, bodyChunks, contentLength } from '../_request-body.js'
import type { Router } from '../_router.js'
import type { StagedUpload, Staging } from '../_staging.js'
import { ApiError } from '../errors.js'
import type { UploadJson } from '../schemas.js'
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

/**
 * `/api/uploads/...`: a file staged once on the server, so a preview (dry run), the import and
 * a retry read it there instead of receiving it again.
 */
export function uploadRoutes(router: Router, staging: Staging, options: ResolvedOptions): void {
  router.on('POST', '/api/uploads', async (event) => {
    const declared = contentLength(event)
    const tooLarge = (details: object = {}) =>
      new ApiError('PAYLOAD_TOO_LARGE', `The upload exceeds ${options.maxUploadBytes} bytes`, {
        details: { max_bytes: options.maxUploadBytes, ...details },
        headers: { connection: 'close' },
      })
    if (declared !== undefined && declared > options.maxUploadBytes) throw tooLarge()
    const type = mediaType(event.req.headers.get('content-type'))
    const filename =
      event.url.searchParams.get('filename') ??
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

  router.on('GET', '/api/uploads/:id', async (event) => {
    return json(toUploadJson(await mustGetUpload(staging, param(event, 'id')), options.basePath))
  })

  router.on('DELETE', '/api/uploads/:id', async (event) => {
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
) {
  const upload = await mustGetUpload(staging, uploadId)
  const meta = {
    ...(upload.filename ? { filename: upload.filename } : {}),
    bytesTotal: upload.size,
    dryRun,
  }
  const job = await importer.imports.create(meta)
  void importer.imports
    .run(job.id, staging.pathOf(upload.id), { ...options.importOptions, ...meta })
    .then(
      (summary) => {
        if (!dryRun && summary.status === 'completed') return staging.remove(upload.id)
      },
      () => {},
    )
  const body = toJobJson(job, options.basePath)
  return json({ ...body, upload_id: upload.id }, 202, { location: body.progress_url })
}
