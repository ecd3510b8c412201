import {
  type ColumnMapping,
  type ImportOptions,
  PLATFORMS,
  type Platform,
  PRODUCT_FIELDS,
} from '@product-importer/core'
import { z } from 'zod'
import { parseWith } from './_body.js'
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
export const readingFieldsSchema = z.object({
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
export const rememberFieldSchema = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
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
): ReturnType<typeof readingOptionsOf> & { remember?: boolean } {
  const reading = readingOptionsOf(fields)
  const flag = parseWith(z.object({ remember: rememberFieldSchema }), fields, 'import options')
  const remember =
    flag.remember === undefined ? undefined : ['true', '1', 'yes'].includes(flag.remember)
  return { ...reading, ...rememberOption(reading.columns, remember) }
}

/** Import options the request's reading fields give; 400 VALIDATION_FAILED for bad ones. */
export function readingOptionsOf(
  fields: Record<string, string | undefined>,
): Pick<ImportOptions, 'columns' | 'platform' | 'decimal' | 'currency' | 'locale'> {
  const picked = Object.fromEntries(
    Object.keys(readingFieldsSchema.shape).flatMap((key) =>
      fields[key] === undefined ? [] : [[key, fields[key]]],
    ),
  )
  const { mapping, ...rest } = parseWith(readingFieldsSchema, picked, 'import options')
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
