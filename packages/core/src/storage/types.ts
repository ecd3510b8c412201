import type { ImportErrorCode } from '../import/types.js'
/**
 * The storage contract: everything product-importer asks of a database. Small, all async, and
 * the same for every adapter; the shared conformance suite (`@product-importer/adapter-tests`)
 * proves an adapter keeps it.
 *
 * @module
 */

import type { ColumnMapping, FieldMapping, ImportWarning, Platform } from '../import/types.js'
import type { SortField, ValueField } from '../product/fields.js'
import type { OutboxEvent, WebhookStorage } from './webhook-types.js'

/** A product as a bulk change picks it: its id and when it was created. */
export interface ProductStamp {
  id: string
  createdAt: Date
}

/**
 * A product as storage holds it, one property per field of the field table (`FIELDS`).
 * Money is exact integer cents; `null` means none (no price, no brand).
 */
export interface ProductRecord {
  id: string
  sku: string
  /** {@link skuKey} of `sku`, unique across all products. */
  skuKey: string
  name: string
  description: string
  priceCents: number | null
  quantity: number
  active: boolean
  /** GTIN, EAN, UPC or ISBN, as text. */
  barcode: string | null
  brand: string | null
  /** A path of levels, such as `Home > Lighting > Lamps`. */
  category: string | null
  tags: string[]
  /** Absolute http(s) URLs; the first is the main image. */
  images: string[]
  /** The price before a reduction, shown struck through. */
  compareAtPriceCents: number | null
  weightGrams: number | null
  /** The variant group: products with the same group are variants of one product. */
  group: string | null
  createdAt: Date
  updatedAt: Date
}

/** Options of {@link ImporterStorage.updateProduct}. */
export interface UpdateProductOptions {
  /**
   * The product as the caller last read it: the update applies only while the stored product
   * still equals it (`sku`, `name`, `description`, `priceCents`, `quantity`, `active` and
   * `updatedAt`).
   * @default unconditional
   */
  expected?: ProductRecord
}

/** The fields of a product that callers write. */
export type ProductValues = Omit<ProductRecord, 'id' | 'skuKey' | 'createdAt' | 'updatedAt'>

/**
 * One product row of an import, already validated. A field left `undefined` was not given (its
 * column is absent from the file or its cell is empty) and MUST stay unchanged on an existing
 * product; on a new product it takes its default (`description` "", `priceCents` null,
 * `quantity` 0, `active` true).
 */
export interface ImportRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number
  sku: string
  skuKey: string
  name?: string
  description?: string
  priceCents?: number | null
  quantity?: number
  active?: boolean
  barcode?: string | null
  brand?: string | null
  category?: string | null
  tags?: string[]
  images?: string[]
  compareAtPriceCents?: number | null
  weightGrams?: number | null
  group?: string | null
}

/**
 * Filters of product lists. Text filters match substrings ignoring case (ASCII letters only on
 * SQLite, whose LIKE folds no other letters; `sku` folds fully through {@link skuKey}).
 */
export interface ProductFilter {
  sku?: string
  name?: string
  description?: string
  active?: boolean
  /** Matches sku, name or description. */
  q?: string
  /** Exactly this brand. */
  brand?: string
  /** This category or one below it: `Home > Lighting` matches `Home > Lighting > Lamps`. */
  category?: string
  /** Has this tag, exactly. */
  tag?: string
  /** In this variant group, exactly. */
  group?: string
  /** Exactly this barcode. */
  barcode?: string
}

/** What a deletion of every product checks first: see {@link ImporterStorage.deleteAllProducts}. */
export interface DeleteAllGuard {
  /** The number of products the caller counted. */
  expect?: number
  /** The moment of that count: a product created after it stops the deletion. */
  createdAtMost?: Date
}

/** A page request: `cursor` (keyset, from a previous page) wins over `page`. */
export interface ProductQuery extends ProductFilter {
  /** 1-based page number. @default 1 */
  page?: number
  /** @default 20 */
  pageSize?: number
  /** `nextCursor` of a previous page. */
  cursor?: string
  /** Whether to count all matching products. @default true */
  withTotal?: boolean
  /** Order of the page; a set sort pages by `page` only (no `nextCursor`). @default newest first */
  sort?: ProductSort
  /**
   * Aborts the listing once its caller no longer wants it (an HTTP client that has gone). The
   * call then rejects with `CANCELLED`; an adapter MUST NOT start another query for it and
   * SHOULD stop the one running (PostgreSQL cancels it on the server).
   */
  signal?: AbortSignal
}

/** A field products can be sorted by: ascending, or descending with a leading `-`. */
export type ProductSort = `${'' | '-'}${SortField}`

/** A page of products, newest first. */
export interface ProductRecordPage {
  items: ProductRecord[]
  /** All products matching the filter, when asked for. */
  total?: number
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string
}

/** What one {@link ImportWriter.write} call did. */
export interface BatchResult {
  created: number
  updated: number
  unchanged: number
  /**
   * Rows whose `skuKey` an earlier batch of this writer applied (created, updated or unchanged;
   * rejected rows do not count). Such a row counts only here, not as created/updated/unchanged.
   */
  duplicates: number
  /** Rows that could not be applied, by index in the batch (e.g. a new product without name). */
  rejected: { index: number; column: string; message: string }[]
}

/** Options of {@link ImporterStorage.openImportWriter}. */
export interface ImportWriterOptions {
  /** Evaluate exactly what would change, writing nothing. */
  dryRun: boolean
}

/**
 * Applies the batches of one import, in order, as if each row were applied one by one.
 * Obtained from {@link ImporterStorage.openImportWriter}; always closed by the caller.
 */
export interface ImportWriter {
  /**
   * Applies one batch in ONE transaction: all of it commits or none. Rows are unique by
   * `skuKey` within a batch and MUST apply in order after every earlier batch of this writer.
   * An existing product whose values would not change MUST NOT be written (it counts as
   * unchanged). A row for a new product without `name` MUST be rejected, not written.
   * In a dry run nothing is written, yet the counts MUST be exactly those of a real run.
   * After a write that throws, the writer stays usable and the failed batch leaves no trace,
   * duplicate tracking included.
   * Every product a real run creates or updates MUST be recorded, in the batch's transaction,
   * as a per-row `product.created` / `product.updated` event for each endpoint that receives it
   * at that batch, in `webhook_row_events` (one row per event type: the endpoint ids and the
   * product ids as JSON arrays, the batch's time); `expandRowEvents` turns them into deliveries
   * later. Unchanged rows and dry runs MUST NOT give any. With no endpoint opted in to per-row
   * events, a batch MUST NOT do more than read that.
   */
  write(rows: ImportRow[]): Promise<BatchResult>
  /**
   * True when the writer works on a thread of its own, leaving the caller's event loop free
   * during a batch: `importProducts` then parses on the caller's thread, while the writer writes
   * the previous batch, instead of in a parse worker.
   */
  readonly threaded?: boolean
  /**
   * Rows per batch this writer works best with, used by `importProducts` when its caller sets
   * no `batchSize` (SQLite's writer thread: 5,000, where 10,000 rows a batch keeps more of each
   * batch alive across collections while it is parsed).
   * @default 10000
   */
  readonly batchSize?: number
  /** Releases what the writer holds (connections, temporary tables). Safe to call twice. */
  close(): Promise<void>
}

/** Status of an import job. */
export type ImportJobStatus =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'cancelled'
  /** Its owner stopped (killed, crashed) while it ran: what it committed stays. */
  | 'interrupted'

/** Every {@link ImportJobStatus}, in the order a job may pass through them. */
export const IMPORT_JOB_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const satisfies readonly ImportJobStatus[]

/** The statuses a job ends in: it changes no more (unless an interrupted one is resumed). */
export const FINISHED_JOB_STATUSES: ReadonlySet<ImportJobStatus> = new Set([
  'completed',
  'failed',
  'cancelled',
  'interrupted',
])

/**
 * Where a resumed import starts reading: just past the last record of its last committed batch.
 * Offsets count bytes of the file.
 */
export interface ImportCheckpoint {
  /** Byte offset of the first record not yet committed. */
  offset: number
  /** The 1-based line that record starts on. */
  line: number
  /** Bytes of the file up to the end of the header record (its line end included). */
  headerBytes: number
  /**
   * What the file looked like up to `offset`, so that a resume can tell the same file from
   * another; absent on checkpoints of jobs from before fingerprints, which resume unchecked.
   */
  fingerprint?: ImportFileFingerprint
}

/**
 * The file an import read, as far as its checkpoint: a resume with a file that differs in any
 * of these is refused with `RESUME_FILE_MISMATCH`. Bytes past the checkpoint are not covered.
 */
export interface ImportFileFingerprint {
  /** The file's size in bytes, when the import measured it (a file on disk); else null. */
  size: number | null
  /** SHA-256 (hex) of the header record's bytes, `[0, headerBytes)`. */
  headerSha256: string
  /** SHA-256 (hex) of every byte before the checkpoint, `[0, offset)`. */
  sha256: string
}

/** What a job needs to be resumed: where its file is and how it was read. */
export interface ImportResumeInfo {
  /** The file, as its starter names it (a staged upload's id, a path). */
  source: string
  /** The import options the job ran with, as JSON-safe values. */
  options: Record<string, unknown>
}

/** Phase of a running import. */
export type ImportPhase = 'waiting' | 'importing' | 'finishing' | 'done'

/** Counts of an import so far. */
export interface ImportCounts {
  rows: number
  created: number
  updated: number
  unchanged: number
  invalid: number
  duplicatesInFile: number
}

/** An import job as storage holds it. */
export interface ImportJobRecord extends ImportCounts {
  id: string
  status: ImportJobStatus
  phase: ImportPhase
  filename: string | null
  dryRun: boolean
  bytesRead: number
  /** Size of the file when known. */
  bytesTotal: number | null
  /** Set when `cancel` was asked; the running import stops at the next batch. */
  cancelRequested: boolean
  error: { code: ImportErrorCode; message: string } | null
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
  updatedAt: Date
  /** The instance running (or queueing) the job; null for jobs nobody owns. */
  ownerId?: string | null
  /** When the owner last said it is alive. */
  heartbeatAt?: Date | null
  /** Where a resume starts, after the last committed batch; null before the first. */
  checkpoint?: ImportCheckpoint | null
  /** Set when the job's file can be found again to resume it. */
  resume?: ImportResumeInfo | null
  /** A dry run's sample of the updates the file would make; absent on real imports. */
  changeSamples?: ChangeSample[] | null
  /** The platform the header was read as; absent until the header is read. */
  platform?: Platform | null
  /** The header each field was read from; absent until the header is read. */
  mapping?: FieldMapping | null
  /** What the import noticed about the file as a whole, as in its summary. */
  warnings?: ImportWarning[] | null
  /**
   * The remembered mapping the import applied because it was given none: the header signature
   * it is stored under and its columns. Absent when none was applied.
   */
  rememberedMapping?: AppliedMapping | null
}

/** A remembered mapping as an import applied it. */
export interface AppliedMapping {
  /** {@link headerSignature} of the file's header, the key the mapping is stored under. */
  signature: string
  columns: ColumnMapping
}

/**
 * One field an update would change, with values as the API shows them (price as `"12.50"`).
 */
export interface FieldChange {
  /** The field's wire name. */
  field: ValueField
  before: string | number | boolean | string[] | null
  after: string | number | boolean | string[] | null
}

/** A row of a file that would update a stored product: what each changed field was and becomes. */
export interface ChangeSample {
  /** 1-based line of the file where the row starts. */
  line: number
  sku: string
  changes: FieldChange[]
}

/** Fields of a job that change while it runs. */
export type ImportJobPatch = Partial<
  Omit<ImportJobRecord, 'id' | 'createdAt' | 'updatedAt' | 'dryRun' | 'filename'>
>

/** A row that could not be imported. */
export interface RowError {
  /** 1-based line where the row starts; 0 for the file as a whole. */
  line: number
  sku: string | null
  /** The column the problem is in, by its product field name, when there is one. */
  column: string | null
  value: string | null
  message: string
}

/**
 * A remembered column mapping: how the columns of files with one header signature map to
 * product fields, so the next file with the same headers maps itself.
 */
export interface ColumnMappingRecord {
  /** {@link headerSignature} of the header the mapping was made for. */
  signature: string
  /** Field to header name, as the `columns` import option takes it. */
  columns: ColumnMapping
  /** The header names of the file the mapping was made for, in file order. */
  headers: string[]
  createdAt: Date
  updatedAt: Date
}

/** Optional abilities of an adapter; absent flags take their documented default. */
export interface StorageCapabilities {
  /**
   * Several processes may share the database, so job state is read back from it.
   * @default false
   */
  multiInstance?: boolean
}

/**
 * The storage contract. Methods MUST NOT throw for "not found": they return `undefined` or
 * `0`. Unique violations on the SKU key MUST surface as `ImporterError('SKU_TAKEN')`, a
 * database that cannot be reached (a refused, lost or timed-out connection, a server starting
 * up or shutting down) SHOULD surface as `ImporterError('DATABASE_UNAVAILABLE')`, and every
 * other failure as `ImporterError('STORAGE_FAILED')`.
 *
 * Methods that change products or jobs take the webhook events the change causes: the storage
 * MUST write their deliveries in the same transaction as the change, so a change that rolls
 * back sends nothing and one that commits is never without its events.
 */
export interface ImporterStorage extends WebhookStorage {
  /** A short name of the adapter, e.g. `sqlite` or `postgres`. */
  readonly dialect: string
  readonly capabilities?: StorageCapabilities

  /** Creates or upgrades the schema. Idempotent; safe to call from several processes. */
  migrate(): Promise<void>
  /** Releases connections the adapter opened itself (not those passed in). */
  close(): Promise<void>
  /**
   * Asks the database one cheap question (`select 1`), for readiness checks. Resolves when it
   * answers; MUST reject with `DATABASE_UNAVAILABLE` when it cannot be reached, and MUST NOT
   * touch any table or wait for a migration. An adapter without it is taken as ready.
   * @default absent
   */
  ping?(): Promise<void>

  /** The product with this id, or `undefined`. */
  getProduct(id: string): Promise<ProductRecord | undefined>
  /** The product whose `skuKey` equals `key`, or `undefined`. */
  getProductBySkuKey(key: string): Promise<ProductRecord | undefined>
  /** A page of products matching the query, newest first (`createdAt`, then `id`, descending). */
  listProducts(query: ProductQuery): Promise<ProductRecordPage>
  /** How many products match the filter. */
  countProducts(filter?: ProductFilter): Promise<number>
  /**
   * Every product matching the filter, oldest first, in chunks, never holding all in memory.
   * The consumer MAY stop early; the adapter then releases what it holds.
   */
  streamProducts(
    filter?: ProductFilter,
    options?: { chunkSize?: number },
  ): AsyncIterable<ProductRecord[]>
  /**
   * {@link ImporterStorage.streamProducts} reading only each product's id and creation time:
   * what a bulk change needs to pick its products (at 93,000 products on SQLite, whole records
   * took 0.7 to 1.5 s to read). Same order, same rules.
   * @default streamProducts
   */
  streamProductIds?(
    filter?: ProductFilter,
    options?: { chunkSize?: number },
  ): AsyncIterable<ProductStamp[]>
  /** Inserts a product, with its events. Throws `SKU_TAKEN` when its `skuKey` exists. */
  insertProduct(record: ProductRecord, events?: readonly OutboxEvent[]): Promise<ProductRecord>
  /**
   * Writes the given fields (and `updatedAt`) of one product, returning it after the change, or
   * `undefined` when it does not exist. Throws `SKU_TAKEN` when a changed SKU belongs to another.
   *
   * With `options.expected`, the write is conditional: it MUST happen only if the stored product
   * still has every value of `expected`, compared in the statement that writes (never a read
   * before it, which an import batch could pass between). Otherwise it MUST change nothing,
   * write no events, and throw `PRECONDITION_FAILED` with the stored record as
   * `details.current`; a product that no longer exists still gives `undefined`.
   */
  updateProduct(
    id: string,
    values: Partial<ProductValues> & { skuKey?: string; updatedAt: Date },
    events?: (product: ProductRecord) => readonly OutboxEvent[],
    options?: UpdateProductOptions,
  ): Promise<ProductRecord | undefined>
  /**
   * Sets `active` (and `updatedAt`) on the products with these ids (at most a few thousand: one
   * chunk of a bulk change) that do not have that value yet, in ONE transaction with the
   * deliveries of `events`, which gets the changed products as they are after the change. A
   * product that already has the value MUST NOT be written and gets no event. Returns how many
   * changed and the ids that named no product. The transaction MUST be short: other writers,
   * an import's batches among them, wait for it, and a bulk change is many such calls.
   * @default absent: the importer changes the products one `updateProduct` call each
   */
  setProductsActive?(
    ids: readonly string[],
    active: boolean,
    updatedAt: Date,
    events?: (changed: readonly ProductRecord[]) => readonly OutboxEvent[],
  ): Promise<{ changed: number; notFound: string[] }>
  /**
   * Deletes the products with these ids; returns how many existed. `events` gets the products
   * deleted.
   */
  deleteProducts(
    ids: readonly string[],
    events?: (deleted: readonly ProductRecord[]) => readonly OutboxEvent[],
  ): Promise<number>
  /**
   * Deletes every product; returns how many there were. `events` gets that count. With `guard`
   * the check and the deletion are one (no product can be written between them), and it MUST
   * throw `SELECTION_CHANGED`, deleting nothing, when a product was created after
   * `guard.createdAtMost` (`details.reason` `'created_since'`) or when there are not exactly
   * `guard.expect` products (`details` `{ reason: 'count', expected, matching }`).
   */
  deleteAllProducts(
    events?: (count: number) => readonly OutboxEvent[],
    guard?: DeleteAllGuard,
  ): Promise<number>

  /** Starts applying an import's batches. See {@link ImportWriter}. */
  openImportWriter(options: ImportWriterOptions): Promise<ImportWriter>

  /** Stores a new job. */
  createJob(job: ImportJobRecord): Promise<void>
  /** Changes a job's fields and `updatedAt`, with its events; returns the job after the change. */
  updateJob(
    id: string,
    patch: ImportJobPatch,
    events?: readonly OutboxEvent[],
  ): Promise<ImportJobRecord | undefined>
  /**
   * Moves a `pending` job to `running` (setting `startedAt`) in ONE conditional write, so of
   * several instances racing for a job exactly one wins. Returns the job when this call won,
   * `undefined` when the job is missing or no longer pending. With `ownerId`, the job also gets
   * that owner and `heartbeatAt` = `startedAt`. `events` gets the claimed job; their deliveries
   * are written in the same transaction as the claim.
   */
  claimJob(
    id: string,
    startedAt: Date,
    ownerId?: string,
    events?: (job: ImportJobRecord) => readonly OutboxEvent[],
  ): Promise<ImportJobRecord | undefined>
  /**
   * Moves an `interrupted` job back to `pending` (phase `waiting`) for `ownerId`, with
   * `heartbeatAt` = `at`, clearing `finishedAt`, `error` and `cancelRequested`, in ONE
   * conditional write, so of several instances resuming it exactly one wins. Counts, checkpoint
   * and resume info MUST stay. Returns the job when this call won, `undefined` when it is missing
   * or not interrupted.
   */
  reclaimJob(id: string, ownerId: string, at: Date): Promise<ImportJobRecord | undefined>
  /**
   * Sets `heartbeatAt` to `at` on every `pending` or `running` job of `ownerId`, in one write,
   * but those in `except` (jobs whose import ended without its end being recorded).
   * MUST NOT touch jobs of other owners or finished jobs.
   */
  beatJobs(ownerId: string, at: Date, except?: readonly string[]): Promise<void>
  /**
   * Marks `interrupted` (phase `done`, `finishedAt` and `error` from `patch`) every `pending` or
   * `running` job with an owner whose `heartbeatAt` is before `staleBefore`, and every
   * `running` job without an owner last updated before it, each in a conditional write, and
   * returns the jobs it marked. Counts and the checkpoint MUST stay as they are: they are what
   * the job committed. `events` gets each marked job; their deliveries are written in the same
   * transaction as the marks.
   */
  interruptStaleJobs(
    staleBefore: Date,
    patch: { finishedAt: Date; error: { code: ImportErrorCode; message: string } },
    events?: (job: ImportJobRecord) => readonly OutboxEvent[],
  ): Promise<ImportJobRecord[]>
  /** The job with this id, or `undefined`. */
  getJob(id: string): Promise<ImportJobRecord | undefined>
  /**
   * Optional: calls `listener` with a job's id soon after any instance writes that job, so that
   * `imports.watch()` reads it at once instead of at its next poll; with `undefined` when
   * writes may have gone unannounced (when listening starts or resumes), so every watcher reads
   * again. Best effort: watchers keep polling, so a lost call only delays an update. Returns
   * the function that unsubscribes.
   */
  onJobChange?(listener: (jobId: string | undefined) => void): () => void
  /** Jobs, newest first. */
  listJobs(options?: { limit?: number; offset?: number }): Promise<ImportJobRecord[]>
  /** Appends row errors of a job. */
  addRowErrors(jobId: string, errors: readonly RowError[]): Promise<void>
  /** Row errors of a job in the order they were added, `limit` at a time from `offset`. */
  listRowErrors(jobId: string, options?: { offset?: number; limit?: number }): Promise<RowError[]>

  /**
   * Stores a column mapping under its `signature`, replacing the one stored there (keeping the
   * first `createdAt`). MUST store `columns` and `headers` exactly as given, names unchanged.
   * Returns the mapping as stored.
   */
  saveMapping(record: ColumnMappingRecord): Promise<ColumnMappingRecord>
  /** The mapping stored under `signature`, or `undefined`. MUST NOT match other signatures. */
  getMapping(signature: string): Promise<ColumnMappingRecord | undefined>
  /** Every stored mapping, most recently saved first. */
  listMappings(): Promise<ColumnMappingRecord[]>
  /** Deletes the mapping stored under `signature`; false when there was none. */
  deleteMapping(signature: string): Promise<boolean>
}
