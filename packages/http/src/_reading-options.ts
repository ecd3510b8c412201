import {
  type ColumnMapping,
  type ImportOptions,
  PLATFORMS,
  type Platform,
  PRODUCT_FIELDS,
  strictObject,
} from '@product-importer/core'
import { z } from 'zod'
import { parseWith } from './_body.js'
import { flagSchema, formFlag } from './_flag.js'
import { ApiError } from './errors.js'

/**
 * The `mapping` of an import request: field to header name, e.g. `{"sku":"Item No"}`; `null`
 * for a field no column gives ("do not import").
 */
export const mappingSchema = z.partialRecord(
  z.enum(PRODUCT_FIELDS),
  z.string().trim().min(1).max(500).nullable(),
)

/**
 * How the columns of an uploaded file are read: query parameters of a raw upload, or
 * multipart fields sent before the `file` part. `mapping` is JSON text.
 */
export const readingFieldsSchema = strictObject({
  mapping: z.string().max(20_000).optional(),
  platform: z.enum(PLATFORMS as [Platform, ...Platform[]]).optional(),
  decimal: z.enum(['.', ',', 'auto']).optional(),
  currency: z.string().trim().min(1).max(20).optional(),
  locale: z.string().trim().min(1).max(40).optional(),
})

/**
 * `remember` of an import request (query parameter, multipart field): `true` remembers the
 * request's mapping for files with the same header, `false` also leaves a remembered one
 * unapplied.
 */
export const rememberFieldSchema = flagSchema
  .optional()
  .describe(
    '`true`: remember the `mapping` for files with the same header (a mapping given with a request is not remembered otherwise); `false`: apply no remembered mapping either',
  )

/**
 * The core's `remember` option for an API import. A mapping sent with one request is for that
 * file: remembered only when the request asks, or every later file with those columns would
 * silently read them that way. Without a mapping the remembered one applies unless `false`.
 */
export function rememberOption(
  columns: ColumnMapping | undefined,
  remember: boolean | undefined,
): { remember?: boolean } {
  if (columns) return { remember: remember === true }
  return remember === false ? { remember: false } : {}
}

/** An import request's reading fields and `remember`; 400 VALIDATION_FAILED for bad ones. */
export function importOptionsOf(
  fields: Record<string, string | undefined>,
  own: readonly string[] = [],
): ReturnType<typeof readingOptionsOf> & { remember?: boolean } {
  const reading = readingOptionsOf(fields, [...own, 'remember'])
  const remember = fields.remember === undefined ? undefined : formFlag('remember', fields.remember)
  return { ...reading, ...rememberOption(reading.columns, remember) }
}

/**
 * Import options the request's reading fields give; 400 VALIDATION_FAILED for bad ones, and for
 * a field it does not know (a misspelled `mappng` must not import without its mapping). `own`
 * names the fields the caller reads itself (`dry_run`, `filename`, `rows`).
 */
export function readingOptionsOf(
  fields: Record<string, string | undefined>,
  own: readonly string[] = [],
): Pick<ImportOptions, 'columns' | 'platform' | 'decimal' | 'currency' | 'locale'> {
  const given = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => value !== undefined && !own.includes(key)),
  )
  const { mapping, ...rest } = parseWith(readingFieldsSchema, given, 'import options')
  if (mapping === undefined) return rest
  let parsed: unknown
  try {
    parsed = JSON.parse(mapping)
  } catch {
    throw new ApiError(
      'VALIDATION_FAILED',
      'Invalid mapping: it must be a JSON object of field to header name, like {"sku":"Item No"}',
    )
  }
  return { ...rest, columns: parseWith(mappingSchema, parsed, 'mapping') }
}
