import {
  type ImportOptions,
  PLATFORMS,
  type Platform,
  PRODUCT_FIELDS,
  strictObject,
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
export const readingFieldsSchema = strictObject({
  mapping: z.string().max(20_000).optional(),
  platform: z.enum(PLATFORMS as [Platform, ...Platform[]]).optional(),
  decimal: z.enum(['.', ',', 'auto']).optional(),
  currency: z.string().trim().min(1).max(20).optional(),
  locale: z.string().trim().min(1).max(40).optional(),
})

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
