import type {
  ColumnMapping,
  ImportEvent,
  ImportOptions,
  ImportSource,
  ImportSummary,
} from '../import/types.js'
import type { Logger } from '../logger.js'
import type { Product, ProductInput, ProductPatch } from '../product/schema.js'
import type {
  ColumnMappingRecord,
  ImporterStorage,
  ImportJobRecord,
  ProductFilter,
  ProductQuery,
  RowError,
} from '../storage/types.js'
import type { SearchLimitOptions } from './search-limit.js'
import type { WebhookOptions, WebhooksApi } from './webhook-types.js'

/** An import job with its derived speed. */
export interface ImportJob extends ImportJobRecord {
  rowsPerSecond: number
  /** Estimated time left, when the total size is known and the job runs. */
  etaMs: number | null
  /**
   * The job's 1-based place among the imports waiting for a slot of this instance
   * ({@link ProductImporterOptions.maxConcurrentImports}); null when it does not wait here.
   */
  queuePosition?: number | null
}

/** A page of products. */
export interface ProductPage {
  items: Product[]
  /** All products matching the filter. */
  total: number
  page: number
  pageSize: number
  /** Pass as `cursor` for the next page (keyset pagination); absent on the last page. */
  nextCursor?: string
}

/** Options of an import started through {@link ProductImporter.imports}. */
export type StartImportOptions = Omit<ImportOptions, 'storage' | 'signal' | 'onProgress'> & {
  /** The uploaded file's name, kept on the job. */
  filename?: string
  /**
   * How the starter finds this file again to resume the job (a staged upload's id, a path); a
   * file path source is remembered by its absolute path without it. Kept on the job with the
   * options that say how the file is read.
   */
  resumeSource?: string
  /** Called with every event of the import (row errors, warnings, progress), in file order. */
  onEvent?: (event: ImportEvent) => void
  /**
   * Remember mappings: an import without `columns` applies the mapping remembered for its
   * header signature (read from the head of the source), and a completed real import with
   * `columns` remembers them for the next file with the same headers. @default true
   */
  remember?: boolean
}

/** Options of {@link createProductImporter}. */
export interface ProductImporterOptions {
  storage: ImporterStorage
  /** Run `storage.migrate()` on first use. @default true */
  migrate?: boolean
  /**
   * Hears what fails in the background: the webhook dispatcher's errors, unless
   * `webhooks.onError` is given. @default the console
   */
  logger?: Logger
  /** Defaults for every import started through `imports`. */
  importDefaults?: Omit<StartImportOptions, 'filename' | 'bytesTotal' | 'resumeSource' | 'onEvent'>
  /**
   * Imports this instance runs at once; the others wait as `pending`, in order, with their
   * `queuePosition`. @default 4 when the storage is `multiInstance` (PostgreSQL), else 2
   */
  maxConcurrentImports?: number
  /**
   * How many product searches of one kind (the same text filters) this instance runs and
   * queues at once; past that `products.list` fails with `BUSY` (HTTP 503 with Retry-After).
   * Lists without a text filter are not limited. @default 3 running and 32 waiting a kind
   */
  searchLimit?: SearchLimitOptions
  /** This instance's id, kept on the jobs it runs. @default a random UUID */
  instanceId?: string
  /** How often this instance refreshes the heartbeat of its jobs. @default 5000 */
  heartbeatIntervalMs?: number
  /**
   * How long a job's heartbeat may be silent before the job is marked `interrupted`: checked
   * on the importer's first use, and periodically when instances share the database. Keep it
   * several times `heartbeatIntervalMs` (of every instance sharing the database), or live jobs
   * of a busy instance could be taken for dead. @default 30000
   */
  heartbeatTimeoutMs?: number
  /**
   * How long an import's writes of its job (progress, its end) wait for a database that cannot
   * be reached (`DATABASE_UNAVAILABLE`: a restart, a failover) before they give up. A job whose
   * import failed so still ends `failed` with the cause once the database is back within this
   * time, instead of staying `running`. @default 30000
   */
  databaseWaitMs?: number
  /** Webhook delivery: the URL guard's allowlist, timeouts, retries, leases and dispatch mode. */
  webhooks?: WebhookOptions
}

/** Product operations of a {@link ProductImporter}. */
export interface ProductsApi {
  /** Creates a product. Throws `VALIDATION_FAILED` or `SKU_TAKEN`. */
  create(input: ProductInput): Promise<Product>
  /** The product with this id, or `undefined`. */
  get(id: string): Promise<Product | undefined>
  /** The product with this SKU (case-insensitive), or `undefined`. */
  getBySku(sku: string): Promise<Product | undefined>
  /**
   * Replaces a product: `sku` and `name` are required, and fields left out go back to the
   * defaults of a new product. Throws `NOT_FOUND`, `VALIDATION_FAILED`, `SKU_TAKEN` or
   * `PRECONDITION_FAILED` (see {@link ProductWriteOptions.ifMatch}).
   */
  replace(id: string, input: ProductInput, options?: ProductWriteOptions): Promise<Product>
  /**
   * Changes the given fields. A patch whose every field already has its value writes nothing:
   * `updatedAt` stays and no `product.updated` event is sent. Throws `NOT_FOUND`,
   * `VALIDATION_FAILED`, `SKU_TAKEN` or `PRECONDITION_FAILED` (see
   * {@link ProductWriteOptions.ifMatch}).
   *
   * @example
   * ```ts
   * const loaded = await importer.products.get(id)
   * try {
   *   await importer.products.update(id, { name: 'Desk lamp' }, { ifMatch: productETag(loaded!) })
   * } catch (error) {
   *   if (isImporterError(error, 'PRECONDITION_FAILED')) {
   *     const { current } = error.details as { current: Product } // changed meanwhile
   *   }
   * }
   * ```
   */
  update(id: string, patch: ProductPatch, options?: ProductWriteOptions): Promise<Product>
  /** Deletes a product; false when it did not exist. */
  delete(id: string): Promise<boolean>
  /** Deletes the products with these ids; returns how many existed. */
  deleteMany(ids: readonly string[]): Promise<number>
  /**
   * Deletes the selected products: how many were deleted, and the given ids that named no
   * product. Throws `VALIDATION_FAILED` for a filter that narrows nothing (pass `{ all: true }`
   * to mean every product) and `SELECTION_CHANGED` when `expect` no longer holds.
   *
   * @example
   * ```ts
   * // Delete what the user saw counted: 300 products named "lamp" that existed at `shownAt`
   * await importer.products.deleteMatching({ filter: { name: 'lamp' }, expect: 300, asOf: shownAt })
   * ```
   */
  deleteMatching(selection: ProductSelection): Promise<BulkChange>
  /**
   * Sets `active` on the selected products: `count` is how many changed (those already in that
   * state are left alone, their `updatedAt` too). Refuses as {@link ProductsApi.deleteMatching}
   * does.
   */
  setActive(selection: ProductSelection, active: boolean): Promise<BulkChange>
  /** Deletes every product; returns how many there were. */
  deleteAll(): Promise<number>
  /** A page of products, newest first. */
  list(query?: ProductQuery): Promise<ProductPage>
  /** How many products match. */
  count(filter?: ProductFilter): Promise<number>
  /**
   * Every matching product as CSV text chunks, header first (`EXPORT_COLUMNS`: one column per
   * field of the table, `sku` first, lists joined with `, `). Re-importing the output gives
   * back the same products.
   */
  exportCsv(filter?: ProductFilter, options?: ExportCsvOptions): AsyncIterable<string>
}

/**
 * Products picked for a bulk change: these ids, every product matching a filter that narrows
 * something, or `{ all: true }`. A filter with no value set, or a blank one (`{ q: '' }`), is
 * refused rather than read as "everything": a typo must not select the whole catalog.
 */
export type ProductSelection =
  | { ids: readonly string[] }
  | ({ filter: ProductFilter } & SelectionBounds)
  | ({ all: true } & SelectionBounds)

/**
 * What the caller confirmed of a selection by filter, so that the change never reaches more
 * than was shown: products created after `asOf` are left out, and when `expect` is given the
 * change is refused with `SELECTION_CHANGED` (nothing changed) unless exactly that many match.
 */
export interface SelectionBounds {
  /** How many products the caller was shown and confirmed; the change touches at most these. */
  expect?: number
  /** Leave out products created after this time (the moment the count was shown). */
  asOf?: Date
}

/** The outcome of a bulk change. */
export interface BulkChange {
  /** Products deleted, or changed by `setActive`. */
  count: number
  /** The selection's ids that named no product (empty for a filter). */
  notFound: string[]
}

/** Options of {@link ProductsApi.update} and {@link ProductsApi.replace}. */
export interface ProductWriteOptions {
  /**
   * Write only if the product is still this version: its `productETag(product)` (or several, or
   * `*` for any existing product). When it changed meanwhile, nothing is written and the call
   * throws `PRECONDITION_FAILED` with the product as it is now in `details.current`. The
   * comparison happens in the database's write itself, so no other change can slip between.
   * @default unconditional
   */
  ifMatch?: string | readonly string[]
}

/** Options of {@link ProductsApi.exportCsv}. */
export interface ExportCsvOptions {
  /**
   * Prefix text cells starting with `=`, `+`, `-`, `@`, tab, CR or `'` with `'` so spreadsheets
   * do not run them as formulas, and end the header with the mark column `formula_guard`.
   * Import strips one such `'` only in files with that mark, so the round trip stays lossless
   * and a `'` typed in any other file is kept. @default false
   */
  neutralizeFormulas?: boolean
}

/** Import-job operations of a {@link ProductImporter}. */
export interface ImportsApi {
  /** Creates a pending job that waits for its file (see {@link ImportsApi.run}). */
  create(meta?: { filename?: string; bytesTotal?: number; dryRun?: boolean }): Promise<ImportJob>
  /**
   * Streams `source` into a pending job and resolves with the summary when it ends. A failed
   * import resolves with `status: 'failed'`; the job holds the error. A reopened job given
   * another file than the one it read rejects with `RESUME_FILE_MISMATCH` before anything is
   * written, and is interrupted again, resumable with the right file.
   */
  run(jobId: string, source: ImportSource, options?: StartImportOptions): Promise<ImportSummary>
  /** Creates a job and runs it in the background; resolves with the job at once. */
  start(source: ImportSource, options?: StartImportOptions): Promise<ImportJob>
  /** The job with this id, or `undefined`. */
  get(id: string): Promise<ImportJob | undefined>
  /** Jobs, newest first. */
  list(options?: { limit?: number; offset?: number }): Promise<ImportJob[]>
  /**
   * Makes an `interrupted` job `pending` again, for this instance, so that
   * {@link ImportsApi.run} continues it from its last committed batch with the options it ran
   * with, adding to its counts. Throws `NOT_RESUMABLE` when the job is not interrupted (or
   * another instance reopened it first), or when its place in the file is unknown. With
   * `source` (the file on disk the run will read), first hashes its bytes before the checkpoint
   * and throws `RESUME_FILE_MISMATCH`, leaving the job as it is, when they are not those of the
   * file the job read (the checkpoint's `fingerprint`).
   */
  reopen(jobId: string, options?: { source?: string | URL }): Promise<ImportJob>
  /**
   * {@link ImportsApi.reopen} then {@link ImportsApi.run}: continues an `interrupted` import,
   * reading `source` from its checkpoint; resolves with the summary of the rest of the file, the
   * job holding the counts of the whole. `source` must be the file the job read: another one
   * (its size, header or bytes before the checkpoint differ) is refused with
   * `RESUME_FILE_MISMATCH` before anything is written, and the job stays interrupted. A job
   * checkpointed by a version without fingerprints resumes unchecked.
   */
  resume(jobId: string, source: ImportSource, options?: StartImportOptions): Promise<ImportSummary>
  /** Asks a job to stop between batches (from any instance); a pending job is cancelled at once. */
  cancel(id: string): Promise<ImportJob>
  /** The row errors of a job, in file order. */
  errors(id: string, options?: { offset?: number; limit?: number }): Promise<RowError[]>
  /**
   * The job's state now, then each time it changes, until it finishes. Reads storage, so it
   * follows jobs of other instances too: every `intervalMs` (default 250), and at once when the
   * storage announces a change ({@link ImporterStorage.onJobChange}; PostgreSQL does).
   */
  watch(
    id: string,
    options?: { signal?: AbortSignal; intervalMs?: number },
  ): AsyncIterable<ImportJob>
}

/**
 * Remembered column mappings, by header signature: an import with an explicit `columns`
 * mapping remembers it, and the next file with the same headers maps itself.
 */
export interface MappingsApi {
  /** Every remembered mapping, most recently saved first. */
  list(): Promise<ColumnMappingRecord[]>
  /** The mapping remembered for a header signature (or for these header names), or `undefined`. */
  get(signatureOrHeaders: string | readonly string[]): Promise<ColumnMappingRecord | undefined>
  /**
   * Remembers `columns` for files with these headers, replacing the mapping remembered for them.
   * Throws `MAPPING_INVALID` when a named header is not among `headers`.
   *
   * @example
   * ```ts
   * await importer.mappings.save(['Item No', 'Title', 'Unit Price'], { sku: 'Item No', price: 'Unit Price' })
   * ```
   */
  save(headers: readonly string[], columns: ColumnMapping): Promise<ColumnMappingRecord>
  /** Forgets the mapping of a header signature; false when there was none. */
  delete(signature: string): Promise<boolean>
}

/** The facade over a storage: what the HTTP adapter, the CLI and SDK users call. */
export interface ProductImporter extends AsyncDisposable {
  readonly storage: ImporterStorage
  readonly products: ProductsApi
  readonly imports: ImportsApi
  readonly mappings: MappingsApi
  /** Webhook endpoints, their delivery logs, and the same events in process. */
  readonly webhooks: WebhooksApi
  /**
   * Cancels running imports of this instance and waits for them, stops the webhook dispatcher
   * (cancelled attempts are sent again later), and closes storage.
   */
  close(): Promise<void>
}
