import { type ImportJob, type Product, toProductWire } from '@product-importer/core'
import { HTTPResponse } from 'h3'
import type { ImportJobJson, ProductJson } from './schemas.js'

/** A product as the API returns it: the wire mapper REST, webhooks, the UI and export share. */
export function toProductJson(product: Product): ProductJson {
  return toProductWire(product)
}

/** The URLs of a job, under the app's base path. */
export function jobLinks(basePath: string, id: string) {
  const base = `${basePath}/api/import`
  return {
    progress_url: `${base}/progress/${id}/`,
    events_url: `${base}/${id}/events`,
    errors_url: `${base}/${id}/errors.csv`,
    upload_url: `${base}/${id}/file`,
  }
}

/** An import job as the API returns it. */
export function toJobJson(job: ImportJob, basePath: string): ImportJobJson {
  const progress =
    job.status === 'completed'
      ? 100
      : job.bytesTotal
        ? Math.min(100, Math.round((job.bytesRead / job.bytesTotal) * 1000) / 10)
        : null
  return {
    job_id: job.id,
    status: job.status,
    phase: job.phase,
    filename: job.filename,
    dry_run: job.dryRun,
    bytes_read: job.bytesRead,
    bytes_total: job.bytesTotal,
    progress,
    rows: job.rows,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    invalid: job.invalid,
    duplicates_in_file: job.duplicatesInFile,
    rows_per_second: job.rowsPerSecond,
    eta_ms: job.etaMs,
    cancel_requested: job.cancelRequested,
    queue_position: job.queuePosition ?? null,
    error: job.error,
    platform: job.platform ?? null,
    mapping: job.mapping ?? null,
    warnings: job.warnings ?? [],
    remembered_mapping: job.rememberedMapping
      ? {
          header_signature: job.rememberedMapping.signature,
          mapping: job.rememberedMapping.columns,
        }
      : null,
    change_samples: job.changeSamples ?? null,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
    updated_at: job.updatedAt.toISOString(),
    ...jobLinks(basePath, job.id),
  }
}

/**
 * A JSON response. An h3 `HTTPResponse` rather than a web `Response`: on Node its string body is
 * written to the socket directly instead of through a web stream.
 */
export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): HTTPResponse {
  return new HTTPResponse(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  })
}
