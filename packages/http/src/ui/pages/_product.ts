import type { ProductWire } from '../../../../core/src/product/wire.js'
import { isFailure } from '../_api.js'

/** A product as the API returns it: the field table's wire shape, so a new field shows up here. */
export type ProductJson = ProductWire

/** A page of products as the API returns it. */
export interface ProductPageJson {
  items: ProductJson[]
  total: number
  page: number
  page_size: number
  pages: number
  /** When the server read the page: bounds a bulk change to the products it counted. */
  as_of: string
}

/** What the page says when an action finds its product gone (another tab, an import). */
export const DELETED_ELSEWHERE = 'This product was deleted elsewhere'

/**
 * Whether an action's failure means the product no longer exists: its own URL answered 404.
 * The row it started from is stale then, not the action wrong.
 */
export function isDeletedElsewhere(failure: unknown): boolean {
  return isFailure(failure) && failure.status === 404 && failure.code === 'NOT_FOUND'
}
