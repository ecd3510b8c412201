import { createHash } from 'node:crypto'
import { FIELD_NAMES, FIELDS } from './fields.js'
import type { Product } from './schema.js'

const SDK_KEYS: readonly string[] = FIELD_NAMES.map((field) => FIELDS[field].sdk)

/**
 * The version of a product as a strong HTTP entity tag: a hash of every stored field and
 * `updatedAt`, in quotes. Any change to the product changes it; an unchanged product keeps it,
 * on every instance and either database, since it is derived from the stored values alone.
 *
 * @example
 * ```ts
 * const product = await importer.products.get(id)
 * const tag = productETag(product!)
 * // later: fails with PRECONDITION_FAILED if anything changed the product meanwhile
 * await importer.products.update(id, { name: 'Desk lamp' }, { ifMatch: tag })
 * ```
 */
export function productETag(product: Product): string {
  const values = product as Record<string, unknown>
  const fields = [product.id, ...SDK_KEYS.map((key) => values[key]), product.updatedAt.getTime()]
  const hash = createHash('sha256').update(JSON.stringify(fields)).digest('base64url')
  return `"${hash.slice(0, 27)}"`
}

/**
 * Whether `ifMatch` (one entity tag, `*`, or several, as an `If-Match` header lists them) names
 * `product`'s current version. Strong comparison: a weak tag (`W/"..."`) never matches.
 */
export function matchesETag(ifMatch: string | readonly string[], product: Product): boolean {
  if (matchesAnyVersion(ifMatch)) return true
  const tags = typeof ifMatch === 'string' ? [ifMatch] : ifMatch
  const current = productETag(product)
  return tags.some((tag) => tag.trim() === current)
}

/** Whether `If-Match` is `*`: any version of a product that exists. */
export function matchesAnyVersion(ifMatch: string | readonly string[]): boolean {
  return (typeof ifMatch === 'string' ? [ifMatch] : ifMatch).some((tag) => tag.trim() === '*')
}
