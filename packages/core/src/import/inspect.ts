import { ImporterError, isImporterError } from '../errors.js'
import { formatPrice } from '../product/values.js'
import type { ImportRow, RowError } from '../storage/types.js'
import { createProductParser, type ParseOutput, recordLimitOf } from './parse.js'
import { readerOptions } from './record-reader.js'
import { abortable, openSource } from './source.js'
import type {
  ImportEncoding,
  ImportHeader,
  ImportOptions,
  ImportSource,
  ImportWarning,
  ProductField,
} from './types.js'

/** Options of {@link inspectProducts}. */
export interface InspectOptions
  extends Pick<
    ImportOptions,
    | 'columns'
    | 'headerAliases'
    | 'platform'
    | 'decimal'
    | 'currency'
    | 'locale'
    | 'delimiter'
    | 'maxRecordBytes'
  > {
  /** The text encoding; detected when absent (UTF-8, else Windows-1252). */
  encoding?: ImportEncoding
  /** Data rows to read and show. @default 10 */
  rows?: number
  /** Bytes to read at most, whatever the row count. @default 4 MiB */
  maxBytes?: number
  /** Stops reading early. */
  signal?: AbortSignal
  /**
   * Inspect a file whose sku column is unknown too, instead of failing with
   * MISSING_SKU_COLUMN: no column maps to sku and every row shows as invalid. This is what a
   * user choosing a mapping needs to see. @default false
   */
  skuOptional?: boolean
}

/** A product as a row will import it: only the fields the row gives. */
export interface InspectedProduct {
  sku: string
  name?: string
  description?: string
  price?: string
  quantity?: number
  active?: boolean
}

/** One data row of an inspection, as the import will treat it. */
export type InspectedRow =
  | { line: number; status: 'valid'; product: InspectedProduct }
  | { line: number; status: 'invalid'; errors: RowError[] }
  /** Not a product by the platform's rules (a Shopify image row, a Magento store view). */
  | { line: number; status: 'skipped' }

/** What {@link inspectProducts} found in the head of a file. */
export interface ImportInspection extends ImportHeader {
  encoding: ImportEncoding
  /** Each column in file order with its field (or null) and up to three sample values. */
  columns: { header: string; field: ProductField | null; readAs?: string; samples: string[] }[]
  /** The header name of each mapped field: what a `columns` mapping would say. */
  mapping: Partial<Record<ProductField, string>>
  /** Headers of the columns no field takes. */
  unmapped: string[]
  rows: InspectedRow[]
  warnings: ImportWarning[]
  /** True when the file has more than was read. */
  more: boolean
}

const DEFAULT_ROWS = 10
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024
const SAMPLES = 3

/**
 * Reads only the head of a CSV and tells how it will import: the platform, encoding,
 * delimiter, the field of each column with sample values, and the first rows as the import
 * will read them. Writes nothing. Fatal problems (no sku column, a mapping naming an absent
 * column, a binary file) throw the same {@link ImporterError} the import would.
 *
 * @example
 * ```ts
 * const seen = await inspectProducts('export.csv')
 * console.log(seen.platform, seen.mapping, seen.unmapped)
 * ```
 */
export async function inspectProducts(
  source: ImportSource,
  options: InspectOptions = {},
): Promise<ImportInspection> {
  const limit = Math.max(1, Math.trunc(options.rows ?? DEFAULT_ROWS))
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const opened = await openSource(source)
  const iterator = abortable(opened.chunks, options.signal)[Symbol.asyncIterator]()
  const head: Uint8Array[] = [] // kept to read again as Windows-1252 if it is not UTF-8
  let encoding: ImportEncoding = options.encoding ?? 'utf-8'
  let state = inspector(encoding, limit, options)
  let bytes = 0
  let more = false
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done) break
      bytes += next.value.length
      head.push(next.value)
      try {
        state.push(next.value)
      } catch (error) {
        if (options.encoding || !isImporterError(error, 'INVALID_ENCODING')) throw error
        encoding = 'windows-1252'
        state = inspector(encoding, limit, options)
        for (const chunk of head) state.push(chunk)
      }
      if (state.full() || bytes >= maxBytes) {
        more = true
        break
      }
    }
    if (!more) state.end()
  } finally {
    await iterator.return?.()
  }
  return state.result(encoding, more)
}

/** One pass of the parser over the head, collecting what the inspection shows. */
function inspector(encoding: ImportEncoding, limit: number, options: InspectOptions) {
  let header: ImportHeader | undefined
  const warnings: ImportWarning[] = []
  const records: string[][] = []
  const rows: InspectedRow[] = []
  let pending: number | undefined // line of a record whose outcome has not come yet
  const settle = () => {
    if (pending !== undefined) rows.push({ line: pending, status: 'skipped' })
    pending = undefined
  }
  const onOutput = (out: ParseOutput) => {
    if (out.type === 'header') header = out.header
    else if (out.type === 'warning') warnings.push(out.warning)
    else if (out.type === 'record') {
      settle()
      if (records.length < limit) {
        records.push(out.cells)
        pending = out.line
      }
    } else if (pending !== undefined) {
      // A batch ends with the pending record unless that record was skipped.
      const line = pending
      const row = out.rows.find((r) => r.line === line)
      const errors = out.errors.filter((e) => e.line === line)
      if (row) rows.push({ line, status: 'valid', product: toInspected(row) })
      else if (errors.length > 0) rows.push({ line, status: 'invalid', errors })
      if (row || errors.length > 0) pending = undefined
    }
  }
  const parser = createProductParser(
    {
      encoding,
      delimiter: options.delimiter,
      batchSize: 1,
      stopAtFirstError: false,
      keepRecords: true,
      maxRecordBytes: recordLimitOf(options.maxRecordBytes),
      ...(options.skuOptional ? { skuOptional: true } : {}),
      ...readerOptions(options),
    },
    onOutput,
  )
  return {
    push: (chunk: Uint8Array) => parser.push(chunk),
    end: () => parser.end(),
    full: () => rows.length >= limit,
    result(used: ImportEncoding, more: boolean): ImportInspection {
      settle()
      if (!header) {
        throw new ImporterError('MALFORMED_CSV', 'no header line in the head of the file')
      }
      const columns = header.columns.map((column, i) => ({
        ...column,
        samples: records
          .map((record) => (record[i] ?? '').trim())
          .filter((value) => value !== '')
          .slice(0, SAMPLES),
      }))
      const mapping: Partial<Record<ProductField, string>> = {}
      for (const column of columns) if (column.field) mapping[column.field] = column.header
      return {
        ...header,
        encoding: used,
        columns,
        mapping,
        unmapped: columns.filter((c) => c.field === null && c.header !== '').map((c) => c.header),
        rows: rows.slice(0, limit),
        warnings,
        more,
      }
    },
  }
}

function toInspected(row: ImportRow): InspectedProduct {
  const product: InspectedProduct = { sku: row.sku }
  if (row.name !== undefined) product.name = row.name
  if (row.description !== undefined) product.description = row.description
  if (row.priceCents !== undefined && row.priceCents !== null)
    product.price = formatPrice(row.priceCents)
  if (row.quantity !== undefined) product.quantity = row.quantity
  if (row.active !== undefined) product.active = row.active
  return product
}
