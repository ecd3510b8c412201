import type { ImporterError, ImporterErrorCode } from '../errors.js'
import type { ProductField } from '../product/fields.js'
import type {
  ChangeSample,
  ImportCheckpoint,
  ImportCounts,
  ImporterStorage,
  ImportPhase,
  RowError,
} from '../storage/types.js'
import type { Platform } from './profiles/_profile.js'
import type { DecimalSeparator } from './shop-numbers.js'

/** The product fields a CSV column can map to: see `FIELDS`. */
export type { ProductField } from '../product/fields.js'
export type { Platform } from './profiles/_profile.js'
export type { DecimalSeparator } from './shop-numbers.js'

/**
 * Why an import failed: the {@link ImporterErrorCode} of what stopped it, or `INTERRUPTED` for
 * a job whose process stopped (no heartbeat) before it could say.
 */
export type ImportErrorCode = ImporterErrorCode | 'INTERRUPTED'

/**
 * An explicit column mapping: the header name each field is read from, or `null` for a field
 * the file must not give (its column is not imported, even where an alias would map it).
 */
export type ColumnMapping = Partial<Record<ProductField, string | null>>

/**
 * How an import read its file: the header each field was read from (as the file spells it);
 * a field without a column is absent. Passed as `columns`, it reads the same file the same way.
 */
export type FieldMapping = Partial<Record<ProductField, string>>

/** What `importProducts()` reads: a file path, a Node Readable, a web ReadableStream, or any
 * async iterable of byte or string chunks. */
export type ImportSource =
  | string
  | URL
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>

/** Text encodings `importProducts()` decodes. UTF-8 input may start with a BOM. */
export type ImportEncoding = 'utf-8' | 'latin1' | 'windows-1252'

/** Live progress of an import. */
export interface ImportProgress extends ImportCounts {
  phase: ImportPhase
  bytesRead: number
  /** Size of the input, when known (files, or when the caller says). */
  bytesTotal: number | null
  elapsedMs: number
  rowsPerSecond: number
  /** Estimated time left, when the total size is known. */
  etaMs: number | null
  /**
   * Where a resume would start now that this batch has committed (see
   * {@link ImportOptions.resumeFrom}); absent before the first batch, in a dry run, and for
   * files decoded from a single-byte encoding.
   */
  checkpoint?: ImportCheckpoint
}

/** How an import ended. */
export type ImportStatus = 'completed' | 'cancelled' | 'failed'

/** The summary of a finished import. */
export interface ImportSummary extends ImportCounts {
  status: ImportStatus
  dryRun: boolean
  bytesRead: number
  durationMs: number
  /** The platform the header was recognised as; absent when the file had no header. */
  platform?: Platform
  /**
   * Records that are not products by their platform's rules (Shopify image rows, Magento
   * store-view rows): neither imported nor invalid, and not counted in `rows`.
   */
  skipped: number
  /** The header each field was read from; absent when the file had no header. */
  mapping?: FieldMapping
  /** What the import noticed about the file as a whole (ignored columns, skipped rows), in order. */
  warnings: ImportWarning[]
  /** Why the import failed, when it did. */
  error?: { code: ImportErrorCode; message: string }
}

/** The codes of {@link ImportWarning}. */
export const IMPORT_WARNING_CODES = [
  'UNKNOWN_COLUMNS',
  'DUPLICATE_COLUMN',
  'NO_ROWS',
  'ROWS_SKIPPED',
  'SKUS_DERIVED',
  'FORMULA_GUARD_MISSING',
  'HEADER_LOOKS_LIKE_DATA',
  'CATEGORIES_FIRST_KEPT',
] as const

/** A problem with the file as a whole that did not stop the import. */
export interface ImportWarning {
  code: (typeof IMPORT_WARNING_CODES)[number]
  message: string
  columns?: string[]
}

/** What the header row of a file says: its platform, its columns and their fields. */
export interface ImportHeader {
  platform: Platform
  delimiter: string
  decimal: DecimalSeparator
  /** {@link headerSignature} of the header row: the key of a remembered mapping. */
  signature: string
  /**
   * Each column in file order, with the field it gives or null when it is ignored; `readAs`
   * says how the platform reads a column no field takes, when it does (Shopify's `Published`).
   */
  columns: { header: string; field: ProductField | null; readAs?: string }[]
}

/** Events of {@link importProducts}, in file order. */
export type ImportEvent =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'row-error'; error: RowError }
  | { type: 'warning'; warning: ImportWarning }
  | { type: 'header'; header: ImportHeader }
  /**
   * Dry runs only: one of the first rows of the file (at most 10, among its first 2,000 rows)
   * that would update a stored product, with each field it changes before and after.
   */
  | { type: 'change-sample'; sample: ChangeSample }
  | { type: 'done'; summary: ImportSummary }

/** Options of {@link importProducts}. */
export interface ImportOptions {
  /** Where products are written. */
  storage: ImporterStorage
  /**
   * Run `storage.migrate()` before the first import on this storage object (once per object,
   * however many imports follow), as `createProductImporter()` does on first use. `false` for a
   * schema migrated separately, e.g. by a role the importing one is not.
   * @default true
   */
  migrate?: boolean
  /** Report exactly what would be created, updated, unchanged and invalid; write nothing. */
  dryRun?: boolean
  /** Rows per transaction. @default the storage writer's `batchSize`, else 10000 */
  batchSize?: number
  /** Stops the import between batches; the summary says `cancelled`. */
  signal?: AbortSignal
  /** Called with progress after every batch. */
  onProgress?: (progress: ImportProgress) => void
  /** `skip` reports invalid rows and imports the rest; `abort` fails at the first one. @default 'skip' */
  onRowError?: 'skip' | 'abort'
  /** Extra header names, e.g. `{ 'Artikelnummer': 'sku' }`. Matched like built-in aliases. */
  headerAliases?: Record<string, ProductField>
  /**
   * The column of each field, by header name (matched like aliases), over any alias or
   * platform rule: `{ sku: 'Item No', price: 'Unit Price' }`. A name the file's header lacks
   * fails the import with MAPPING_INVALID, listing the headers it has. A field set to `null`
   * takes no column: `{ name: null }` leaves names unchanged even when a `Title` column exists.
   */
  columns?: ColumnMapping
  /** Read the file as this platform's export; detected from the header when absent. */
  platform?: Platform
  /**
   * The decimal separator of prices and quantities. `auto` reads `12.50`, `12,50`, `1.234,50`
   * and `1,234.50` alike and refuses a cell like `1,000` that reads both ways.
   * @default '.' for comma-separated files, 'auto' for the others
   */
  decimal?: DecimalSeparator
  /** Akeneo exports: the currency whose `price-<CUR>` column is the price. */
  currency?: string
  /** Akeneo exports: the locale whose `name-<locale>` and `description-<locale>-*` are read. */
  locale?: string
  /** The text encoding. @default 'utf-8' */
  encoding?: ImportEncoding
  /** The delimiter; detected from the header among `,` `;` tab `|` when absent. */
  delimiter?: ',' | ';' | '\t' | '|'
  /**
   * The largest record (a row, or the header line) read, in bytes, from 1 KiB to 64 MiB. A
   * larger row is a row error and is skipped; a larger header line fails the import with
   * `MALFORMED_CSV`. Raise it for files with very long descriptions.
   * @default 1048576 (1 MiB)
   */
  maxRecordBytes?: number
  /** The input size in bytes, for progress and ETA, when the source cannot tell. */
  bytesTotal?: number
  /**
   * Parse in a worker thread so parsing and writing run in parallel. By default it does, unless
   * the storage's import writer works on a thread of its own (SQLite's): parsing then stays on
   * this thread, beside the writer's.
   */
  worker?: boolean
  /**
   * Continue an import that stopped, from the `checkpoint` of its last committed progress: the
   * header record is read again, then the file from the checkpoint's offset. The bytes before
   * it are hashed first (streaming, not parsed) and compared with the checkpoint's
   * `fingerprint`: another file fails with `RESUME_FILE_MISMATCH` before anything is written. A
   * checkpoint without one (from an earlier version) is taken on trust. Counts and `bytesRead`
   * then cover the rest of the file only; line numbers stay those of the file.
   */
  resumeFrom?: ImportCheckpoint
}

/** An import in progress: iterate its events, or await {@link ImportRun.result}. */
export interface ImportRun extends AsyncIterableIterator<ImportEvent> {
  /**
   * Runs the import to its end (calling `onProgress`) and resolves with its summary, `completed`
   * or `cancelled` (by its `signal`). A failed import rejects instead, with an
   * {@link ImportFailure}: its `code` says why and its `details.summary` (status `failed`, the
   * same `error`) has the counts of the batches committed. The job API is the other side of
   * this one rule: `importer.imports.run()` records the failure on its job and resolves with
   * that failed summary, since the job is what a caller reads afterwards.
   */
  result(): Promise<ImportSummary>
}

/** An {@link ImporterError} thrown by a failed import carries the counts so far. */
export type ImportFailure = ImporterError & { details: { summary: ImportSummary } }
