import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createProductImporter,
  type ProductImporter,
  type ProductImporterOptions,
} from '@product-importer/core'
import { createImporterApp, type ImporterAppOptions, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { afterEach } from 'vitest'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'product-importer-http-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  importer: ProductImporter
  server: Server
  /** fetch against the server: `api('/api/products/')`. */
  api(path: string, init?: RequestInit): Promise<Response>
}

/**
 * The importer app on a real node:http server on 127.0.0.1 over a fresh SQLite file, or over
 * `importerOptions.storage` when given; `importerOptions` go to `createProductImporter`
 * (webhook options, for one).
 */
export async function startServer(
  options: ImporterAppOptions = {},
  importerOptions: Partial<ProductImporterOptions> = {},
): Promise<TestServer> {
  const importer = createProductImporter({
    ...importerOptions,
    storage: importerOptions.storage ?? sqliteStorage({ filename: join(tempDir(), 'products.db') }),
  })
  const app = createImporterApp(importer, { progressIntervalMs: 50, ...options })
  const server = createServer(toNodeHandler(app))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await importer.close()
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { origin, importer, server, api: (path, init) => fetch(origin + path, init) }
}

/** A JSON request init. */
export function jsonInit(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }
}

/** Polls the job until it is finished (bounded). */
export async function waitForJob(t: TestServer, jobId: string, timeoutMs = 20_000): Promise<Json> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const job = (await (await t.api(`/api/import/progress/${jobId}/`)).json()) as Json
    if (['completed', 'failed', 'cancelled'].includes(job.status as string)) return job
    if (Date.now() > until)
      throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export const SAMPLE_CSV = [
  'sku,name,description,price,quantity',
  'SKU001,Wireless Headphones,High-quality Bluetooth,79.99,150',
  'SKU002,USB-C Cable,Durable 2-meter cable,12.99,500',
  '',
].join('\n')

/** `rows` product rows of CSV, generated chunk by chunk, never all in memory. */
export async function* generatedCsv(rows: number, rowsPerChunk = 2000): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder()
  yield encoder.encode('sku,name,description,price,quantity\n')
  for (let start = 0; start < rows; start += rowsPerChunk) {
    let text = ''
    for (let i = start; i < Math.min(rows, start + rowsPerChunk); i++) {
      text += `SKU-${i},Product ${i},"A description of product ${i}, with a comma and some padding text to make rows longer",${(i % 10000) / 100},${i % 500}\n`
    }
    yield encoder.encode(text)
  }
}

/** Parses an SSE body into events (name and JSON data). */
export function parseSse(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').some((line) => line.startsWith('data:')))
    .map((block) => {
      const lines = block.split('\n')
      const event =
        lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message'
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n')
      return { event, data: data ? JSON.parse(data) : null }
    })
}

/** A JSON body as tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: tests walk response bodies freely
export type Json = Record<string, any>

/**
 * A staged upload without a sku column (`no-sku.csv`) and the failed import of it: what a job
 * page's "Import again" starts from.
 */
export async function failedStagedImport(
  t: TestServer,
): Promise<{ uploadId: string; jobId: string }> {
  const staged = (await (
    await t.api('/api/uploads/?filename=no-sku.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'name,price\nLamp,1.00\n',
    })
  ).json()) as Json
  const failed = (await (
    await t.api('/api/import/', jsonInit('POST', { upload_id: staged.upload_id }))
  ).json()) as Json
  return { uploadId: staged.upload_id, jobId: failed.job_id }
}
