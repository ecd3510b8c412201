import type { Readable } from 'node:stream'
import { type ImportInspection, inspectProducts } from '@product-importer/core'
import type { H3Event, HTTPResponse } from 'h3'
import { assertBodyUnread } from './_body.js'
import { filenameFromDisposition, looksLikeCsv, mediaType, notCsv } from './_content-type.js'
import { startMultipart } from './_multipart.js'
import { readingOptionsOf } from './_reading-options.js'
import { type BodyMeter, bodyChunks } from './_request-body.js'
import { json } from './serialize.js'
import type { ResolvedOptions } from './types.js'

/**
 * `POST /api/import/inspect`: reads the head of the uploaded CSV (raw body or multipart field
 * `file`) and answers how it will import, writing nothing. Only the head is read: the rest of
 * the body is left unread and the connection closes with the answer.
 */
export async function inspectUpload(
  event: H3Event,
  options: ResolvedOptions,
): Promise<HTTPResponse> {
  assertBodyUnread(event)
  const meter: BodyMeter = { bytes: 0, exceeded: false }
  const chunks = bodyChunks(event, options.maxUploadBytes, meter)
  const type = mediaType(event.req.headers.get('content-type'))
  const inspect = (
    source: AsyncIterable<Uint8Array> | Readable,
    fields: Record<string, string | undefined>,
  ) =>
    inspectProducts(source, {
      ...readingOptionsOf(fields, ['rows', 'filename']),
      ...rowsOf(fields.rows),
    })

  let seen: ImportInspection
  if (type === 'multipart/form-data') {
    const started = await startMultipart(event, chunks, false, (source, _name, _dry, fields) => {
      const inspection = inspect(source, fields)
      inspection.catch(() => {}) // awaited below; a rejection before that is not unhandled
      return { inspection }
    })
    started.bodyDone.catch(() => {}) // the rest of the body is left unread on purpose
    seen = await started.inspection
  } else {
    const filename =
      event.url.searchParams.get('filename') ??
      filenameFromDisposition(event.req.headers.get('content-disposition')) ??
      undefined
    if (type === 'application/x-www-form-urlencoded' || !looksLikeCsv(filename, type)) {
      throw notCsv(type, filename)
    }
    seen = await inspect(chunks, Object.fromEntries(event.url.searchParams))
  }
  return json(toInspectionJson(seen), 200, { connection: 'close' })
}

function rowsOf(rows: string | undefined): { rows?: number } {
  const n = Number(rows)
  return rows !== undefined && Number.isInteger(n) && n >= 1 ? { rows: Math.min(n, 100) } : {}
}

/** The inspection as the API answers it. */
export function toInspectionJson(seen: ImportInspection) {
  const { signature, columns, ...rest } = seen
  return {
    ...rest,
    columns: columns.map(({ readAs, ...column }) => ({ ...column, read_as: readAs ?? null })),
    header_signature: signature,
  }
}
