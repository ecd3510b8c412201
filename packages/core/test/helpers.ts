import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createProductImporter,
  type ImportEvent,
  type ImportOptions,
  type ImportSource,
  type ImportSummary,
  type ImportWarning,
  importProducts,
  type ProductImporter,
  type RowError,
} from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { afterEach } from 'vitest'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'product-importer-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A product importer on a fresh SQLite file, closed after the test. */
export async function tempImporter(): Promise<ProductImporter & { filename: string }> {
  const filename = join(tempDir(), 'products.db')
  const importer = createProductImporter({ storage: sqliteStorage({ filename }) })
  await importer.storage.migrate()
  cleanups.push(() => importer.close())
  return Object.assign(importer, { filename })
}

/** Everything an import reported. */
export interface ImportOutcome {
  summary: ImportSummary
  errors: RowError[]
  warnings: ImportWarning[]
  events: ImportEvent[]
}

/** Imports `source` into the importer's storage and collects every event. */
export async function runImport(
  importer: ProductImporter,
  source: ImportSource,
  options: Omit<ImportOptions, 'storage'> = {},
): Promise<ImportOutcome> {
  const events: ImportEvent[] = []
  for await (const event of importProducts(source, { storage: importer.storage, ...options })) {
    events.push(event)
  }
  const done = events.at(-1)
  if (done?.type !== 'done') throw new Error('the import ended without a done event')
  return {
    summary: done.summary,
    errors: events.flatMap((e) => (e.type === 'row-error' ? [e.error] : [])),
    warnings: events.flatMap((e) => (e.type === 'warning' ? [e.warning] : [])),
    events,
  }
}

/** A CSV text as one chunk of bytes. */
export function bytes(text: string | Uint8Array): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  })()
}

/** All products, sorted by SKU, with every field of the table (not their ids and times). */
export async function allProducts(importer: ProductImporter) {
  const items = []
  for (let page = 1; ; page++) {
    const result = await importer.products.list({ page, pageSize: 100 })
    items.push(...result.items)
    if (result.items.length < 100) break
  }
  return items
    .map(({ id: _id, createdAt: _created, updatedAt: _updated, ...fields }) => fields)
    .sort((a, b) => a.sku.toLowerCase().localeCompare(b.sku.toLowerCase()))
}

/**
 * What a product holds in the catalog fields a file did not give: written out here, not read
 * from the field table, so a changed default fails the tests that compare whole products.
 */
export const NO_CATALOG_FIELDS = {
  barcode: null,
  brand: null,
  category: null,
  tags: [],
  images: [],
  compareAtPrice: null,
  weightGrams: null,
  group: null,
} as const

/** The products' own fields, sorted: ids and times differ between databases, products must not. */
export async function exportOf(importer: ProductImporter): Promise<string> {
  let text = ''
  for await (const chunk of importer.products.exportCsv()) text += chunk
  return text
    .split('\n')
    .map((line) => line.split(',').slice(0, 6).join(','))
    .sort()
    .join('\n')
}

/** {@link exportOf} the file imported once, without interruption, into a database of its own. */
export async function cleanExport(path: string): Promise<string> {
  const clean = await tempImporter()
  await clean.imports.run((await clean.imports.create()).id, path)
  return exportOf(clean)
}
