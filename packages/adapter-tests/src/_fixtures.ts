import { randomUUID } from 'node:crypto'
import {
  createUuidV7,
  type ImportJobRecord,
  type ImportRow,
  type OutboxEvent,
  type ProductRecord,
  skuKey,
  type WebhookEndpointRecord,
} from '@product-importer/core'
import { expect } from 'vitest'
import type { ConformanceTarget } from './types.js'

const BASE = Date.UTC(2024, 0, 1)
let sequence = 0
const nextProductId = createUuidV7()

/**
 * A product record with distinct SKU and creation time unless given, and an id made from its
 * creation time as the importer and the API make them (UUIDv7; give an `id` for any other).
 */
export function productRecord(overrides: Partial<ProductRecord> = {}): ProductRecord {
  sequence++
  const sku = overrides.sku ?? `SKU-${sequence}`
  const at = overrides.createdAt ?? new Date(BASE + sequence * 1000)
  return {
    id: nextProductId(at.getTime()),
    sku,
    skuKey: skuKey(sku),
    name: `Product ${sku}`,
    description: `About ${sku}`,
    priceCents: 1999,
    quantity: 5,
    active: true,
    barcode: null,
    brand: null,
    category: null,
    tags: [],
    images: [],
    compareAtPriceCents: null,
    weightGrams: null,
    group: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  }
}

/** Inserts `count` products created one second apart, returned oldest first. */
export async function insertProducts(
  target: ConformanceTarget,
  count: number,
  overrides: (index: number) => Partial<ProductRecord> = () => ({}),
): Promise<ProductRecord[]> {
  const start = BASE + 10_000_000 + sequence++ * 1_000_000
  const records: ProductRecord[] = []
  for (let i = 0; i < count; i++) {
    const record = productRecord({ createdAt: new Date(start + i * 1000), ...overrides(i) })
    records.push(await target.storage.insertProduct(record))
  }
  return records
}

/** Newest first, as the contract lists products: `createdAt`, then `id`, descending. */
export function newestFirst(a: ProductRecord, b: ProductRecord): number {
  const at = b.createdAt.getTime() - a.createdAt.getTime()
  return at !== 0 ? at : a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** One row of an import batch. */
export function importRow(
  sku: string,
  fields: Omit<ImportRow, 'line' | 'sku' | 'skuKey'> = {},
): ImportRow {
  return { line: ++sequence, sku, skuKey: skuKey(sku), ...fields }
}

/** A webhook endpoint receiving every event type unless given. */
export function endpointRecord(
  overrides: Partial<WebhookEndpointRecord> = {},
): WebhookEndpointRecord {
  sequence++
  const at = new Date(BASE + sequence * 1000)
  return {
    id: randomUUID(),
    url: `https://hooks.example.com/${sequence}`,
    eventTypes: [],
    active: true,
    description: '',
    secret: `whsec_${Buffer.from(`secret-${sequence}`).toString('base64')}`,
    previousSecrets: [],
    rateLimit: null,
    perRowEvents: false,
    failureCount: 0,
    failingSince: null,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  }
}

/** An event for the outbox, created at a fixed time unless given. */
export function outboxEvent(type: string, overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  sequence++
  const createdAt = overrides.createdAt ?? new Date(BASE + sequence * 1000)
  return {
    id: `evt_${sequence}`,
    type,
    payload: JSON.stringify({ type, timestamp: createdAt.toISOString(), data: { n: sequence } }),
    createdAt,
    ...overrides,
  }
}

/** A job record, pending, created at a fixed time unless given. */
export function jobRecord(overrides: Partial<ImportJobRecord> = {}): ImportJobRecord {
  const at = new Date(BASE + 3_600_000)
  return {
    id: randomUUID(),
    status: 'pending',
    phase: 'waiting',
    filename: 'catalog.csv',
    dryRun: false,
    bytesRead: 0,
    bytesTotal: 1234,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    invalid: 0,
    duplicatesInFile: 0,
    cancelRequested: false,
    error: null,
    createdAt: at,
    startedAt: null,
    finishedAt: null,
    updatedAt: at,
    ...overrides,
  }
}

/** A stored product as read through `raw`, in the same shape on every database. */
export interface StoredProduct {
  id: string
  sku: string
  skuKey: string
  name: string
  description: string
  /** `price_cents` cast to text by the database: "7999", never "7999.0". */
  price: string | null
  quantity: number
  active: boolean
}

const truthy = (value: unknown) => value === true || value === 1 || value === '1' || value === 't'

/** Every stored product, read without the adapter, ordered by SKU key. */
export async function storedProducts(target: ConformanceTarget): Promise<StoredProduct[]> {
  const rows = await target.raw(
    'SELECT id, sku, sku_key, name, description, CAST(price_cents AS TEXT) AS price, quantity, active FROM products',
  )
  return rows
    .map((row) => ({
      id: String(row.id),
      sku: String(row.sku),
      skuKey: String(row.sku_key),
      name: String(row.name),
      description: String(row.description),
      price: row.price === null ? null : String(row.price),
      quantity: Number(row.quantity),
      active: truthy(row.active),
    }))
    .sort((a, b) => (a.skuKey < b.skuKey ? -1 : a.skuKey > b.skuKey ? 1 : 0))
}

/** The stored product with this SKU, read without the adapter. */
export async function storedProduct(
  target: ConformanceTarget,
  sku: string,
): Promise<StoredProduct | undefined> {
  return (await storedProducts(target)).find((p) => p.skuKey === skuKey(sku))
}

/** Expects `promise` to reject with an `ImporterError` of this code. */
export async function expectImporterError(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'ImporterError', code })
}
