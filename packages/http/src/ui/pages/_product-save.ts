import { isFailure, versioned } from '../_api.js'
import type { ProductJson } from './_product.js'

/** The fields the edit form writes: every field of a product but its id and times. */
export type EditableField = Exclude<keyof ProductJson, 'id' | 'created_at' | 'updated_at'>

/** What the form holds for each field (a number that is not a whole number stays text). */
export type FormValues = Record<EditableField, string | number | boolean | string[] | null>

/** A product as the form loaded it, with the version the server gave it. */
export interface LoadedProduct {
  product: ProductJson
  etag: string | null
}

/** What a save came to: the saved product, or another change that touched the same fields. */
export type SaveOutcome =
  | { saved: LoadedProduct }
  | { conflict: { current: LoadedProduct; fields: EditableField[] } }

// A textarea gives line breaks as \n whatever was stored: that alone is no edit.
// A list is the same when it holds the same items in the same order.
const comparable = (value: unknown) =>
  typeof value === 'string'
    ? value.replace(/\r\n?/g, '\n')
    : Array.isArray(value)
      ? JSON.stringify(value)
      : value

const same = (a: unknown, b: unknown) => comparable(a) === comparable(b)

/**
 * The product's current version from the server, or the list's copy without one when the
 * server could not say. A product that is gone is not edited from the list's copy: its 404
 * is thrown.
 */
export async function loadProduct(product: ProductJson): Promise<LoadedProduct> {
  // No fallback to the list's copy: without the product's current version the edit could not
  // send If-Match, and a change made since the list was read would be overwritten unseen. A
  // failure here (deleted elsewhere, the server unreachable) is said instead of opening the form.
  const { body, etag } = await versioned<ProductJson>(`api/products/${product.id}/`)
  return { product: body, etag }
}

/** The fields of `values` the user changed from `loaded`: only these are sent. */
export function changedFields(loaded: ProductJson, values: FormValues): Partial<FormValues> {
  const changes: Partial<FormValues> = {}
  for (const [field, value] of Object.entries(values) as [
    EditableField,
    FormValues[EditableField],
  ][]) {
    if (!same(value, loaded[field])) changes[field] = value
  }
  return changes
}

/**
 * Sends the changed fields with `If-Match` of the version the form loaded. When the product
 * changed meanwhile, but not in a field this edit changes (an import moved price and stock while
 * the user renamed it), the edit applies to the current version and the other change stays.
 * When another change touched a field this edit changes too, nothing is overwritten: the
 * conflict comes back for the user to decide.
 */
export async function saveChanges(
  loaded: LoadedProduct,
  changes: Partial<FormValues>,
): Promise<SaveOutcome> {
  let base = loaded
  // Each retry follows a change that touched none of these fields; a few in a row is plenty.
  for (let attempt = 0; ; attempt++) {
    try {
      const { body, etag } = await versioned<ProductJson>(`api/products/${loaded.product.id}/`, {
        method: 'PATCH',
        body: changes,
        headers: base.etag ? { 'if-match': base.etag } : {},
      })
      return { saved: { product: body, etag } }
    } catch (failure) {
      if (!isFailure(failure) || failure.code !== 'PRECONDITION_FAILED') throw failure
      const { current, etag } = failure.details as { current: ProductJson; etag: string }
      const now = { product: current, etag }
      const fields = (Object.keys(changes) as EditableField[]).filter(
        (field) =>
          !same(current[field], loaded.product[field]) && !same(current[field], changes[field]),
      )
      if (fields.length > 0 || attempt >= 3) return { conflict: { current: now, fields } }
      base = now
    }
  }
}
