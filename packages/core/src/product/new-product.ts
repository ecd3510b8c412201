import type { ProductRecord } from '../storage/types.js'
import { type FIELDS, VALUE_SPECS, type ValueField } from './fields.js'

/**
 * What a new product gets for each field nobody gave, from the field table (`name` has none: a
 * new product needs one). The products API, the HTTP `PUT`, both import writers and the
 * schema's column defaults read them from there.
 */
export const NEW_PRODUCT_DEFAULTS = Object.freeze(
  Object.fromEntries(
    VALUE_SPECS.flatMap((spec) => (spec.default === undefined ? [] : [[spec.key, spec.default]])),
  ),
) as {
  readonly [F in ValueField as (typeof FIELDS)[F]['default'] extends undefined
    ? never
    : (typeof FIELDS)[F]['key']]: ProductRecord[(typeof FIELDS)[F]['key']]
}

/**
 * Why a storage refuses an import row, as {@link BatchResult} reports it. Every adapter uses
 * these, so both databases reject the same row with the same words.
 */
export const ROW_REJECTIONS = Object.freeze({
  /** A row for a product that does not exist yet, without a name. */
  nameRequired: Object.freeze({ column: 'name', message: 'name is required for a new product' }),
})
