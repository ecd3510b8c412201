import { ImporterError } from '../errors.js'
import type { ImportRow, RowError } from '../storage/types.js'
import { type FormulaGuard, isMissingGuard, missingGuardWarning } from './formula-guard.js'
import { normalizeHeader, PRODUCT_FIELDS, resolveHeader } from './header.js'
import { headerSignature } from './header-signature.js'
import { generic, type Platform, PROFILES, type ProfileHeader } from './profiles/index.js'
import { type FieldCells, toImportRow, widthProblem } from './row.js'
import { createDecimalReading, type DecimalSeparator } from './shop-numbers.js'
import type { ColumnMapping, ImportHeader, ImportWarning, ProductField } from './types.js'

/** How records become rows: plain data, so it crosses into the parse worker. */
export interface ReaderOptions {
  columns?: ColumnMapping
  headerAliases?: Record<string, ProductField>
  platform?: Platform
  currency?: string
  locale?: string
  decimal?: DecimalSeparator
}

/** The options that decide how records become rows, without the ones left undefined. */
export function readerOptions(options: ReaderOptions): ReaderOptions {
  const picked: ReaderOptions = {}
  if (options.columns) picked.columns = options.columns
  if (options.headerAliases) picked.headerAliases = options.headerAliases
  if (options.platform) picked.platform = options.platform
  if (options.currency) picked.currency = options.currency
  if (options.locale) picked.locale = options.locale
  if (options.decimal) picked.decimal = options.decimal
  return picked
}

/** Reads the records of one file after its header row. */
export interface RecordReader {
  header: ImportHeader
  /** Warnings about the header (ignored and duplicate columns). */
  warnings: ImportWarning[]
  /** A record as an import row, its problems, or null for a record that is no product. */
  read(record: string[], line: number, mayHoldNul: boolean): ImportRow | RowError[] | null
  /** Warnings about the whole file, once it has been read. */
  finish(): ImportWarning[]
}

/**
 * Detects the platform from the header row, resolves the columns (the explicit `columns`
 * mapping first, then the platform's and the shared aliases) and returns the reader of the
 * rows. Throws MISSING_SKU_COLUMN or MAPPING_INVALID.
 */
export function createRecordReader(
  cells: readonly string[],
  options: ReaderOptions & {
    delimiter: string
    /** How a leading `'` reads in this file (see formula-guard.ts). @default 'keep' */
    guard?: FormulaGuard
    /** Read a file without a sku column too, its rows invalid (an inspection before mapping). */
    skuOptional?: boolean
  },
): RecordReader {
  const header: ProfileHeader = { raw: cells, normalized: cells.map(normalizeHeader) }
  const profile =
    (options.platform && PROFILES.find((p) => p.platform === options.platform)) ??
    PROFILES.find((p) => p.detect(header)) ??
    generic
  const rules = profile.rules(header, { currency: options.currency, locale: options.locale })
  const columns = resolveHeader(cells, {
    ...rules,
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.headerAliases ? { aliases: options.headerAliases } : {}),
  })
  if (columns.columnOf.sku === -1 && !profile.derivesSku && !options.skuOptional) {
    throw new ImporterError(
      'MISSING_SKU_COLUMN',
      `the file has no sku column (found: ${cells.map((c) => c.trim()).join(', ') || 'nothing'}); name one column "sku" or an alias such as "Product SKU", or map one with the columns option`,
      { details: { columns: cells } },
    )
  }
  const hook = profile.open?.(header, columns)
  // A comma-separated file has no decimal commas to read: there `1,50` stays an error.
  const decimal = options.decimal ?? (options.delimiter === ',' ? '.' : 'auto')
  const reading = createDecimalReading(decimal, options.delimiter)
  const guard = options.guard ?? 'keep'
  let refusedGuards = 0
  const at = PRODUCT_FIELDS.map((field) => columns.columnOf[field])
  const width = cells.length
  const cellsOf = (record: readonly string[]): FieldCells =>
    at.map((i) => (i === -1 ? undefined : record[i]))

  return {
    header: {
      platform: profile.platform,
      delimiter: options.delimiter,
      decimal,
      signature: headerSignature(cells),
      columns: cells.map((cell, i) => ({
        header: cell.trim(),
        field: columns.fields[i] ?? null,
        ...(columns.readAs[i] ? { readAs: columns.readAs[i] } : {}),
      })),
    },
    warnings: columns.warnings,
    read(record, line, mayHoldNul) {
      if (mayHoldNul) {
        const bad = record.findIndex((cell) => cell.includes('\0'))
        if (bad !== -1) {
          const sku = columns.columnOf.sku === -1 ? '' : (record[columns.columnOf.sku] ?? '')
          return [
            {
              line,
              sku: sku.trim() === '' || sku.includes('\0') ? null : sku.trim(),
              column: columns.fields[bad] ?? cells[bad]?.trim() ?? '',
              value: record[bad]!.replace(/\0/g, '\\0'),
              message: 'the cell contains a NUL byte',
            },
          ]
        }
      }
      const fieldCells = cellsOf(record)
      if (hook && !hook.row(record, fieldCells)) return null
      const row = toImportRow(fieldCells, line, reading, widthProblem(record, width), guard)
      if (guard === 'refuse' && Array.isArray(row) && row.some(isMissingGuard)) refusedGuards++
      return row
    },
    finish: () => {
      const warnings = hook?.finish() ?? []
      if (refusedGuards > 0) warnings.push(missingGuardWarning(refusedGuards))
      return warnings
    },
  }
}
