import type { Product } from '../product/schema.js'
import { formatPrice } from '../product/values.js'
import type { ImportJobRecord, ProductRecord } from '../storage/types.js'
import type { ImportJob } from './types.js'

/** A stored record as the public product: price as an exact decimal string. */
export function toProduct(record: ProductRecord): Product {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    description: record.description,
    price: record.priceCents === null ? null : formatPrice(record.priceCents),
    quantity: record.quantity,
    active: record.active,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}

/** A stored job with its speed and time left derived. */
export function toImportJob(job: ImportJobRecord, now = Date.now()): ImportJob {
  const start = job.startedAt?.getTime()
  const end = job.finishedAt?.getTime() ?? now
  const elapsed = start === undefined ? 0 : Math.max(end - start, 1)
  const rowsPerSecond = elapsed > 0 ? Math.round((job.rows * 1000) / elapsed) : 0
  const etaMs =
    job.status === 'running' && job.bytesTotal && job.bytesRead > 0
      ? Math.max(0, Math.round((elapsed * (job.bytesTotal - job.bytesRead)) / job.bytesRead))
      : null
  return { ...job, rowsPerSecond, etaMs }
}
