import type { Route } from '../_route.js'
import { href } from '../_route.js'

/** The view of the products page, as kept in its URL. */
export interface ProductsView {
  q: string
  active: '' | 'true' | 'false'
  sort: string
  page: number
}

/** Sort orders offered, by the API's `sort` value ('' is newest first). */
export const SORTS: [string, string][] = [
  ['', 'Newest first'],
  ['sku', 'SKU A–Z'],
  ['-sku', 'SKU Z–A'],
  ['name', 'Name A–Z'],
  ['-name', 'Name Z–A'],
  ['brand', 'Brand A–Z'],
  ['-brand', 'Brand Z–A'],
  ['price', 'Price, low to high'],
  ['-price', 'Price, high to low'],
  ['quantity', 'Quantity, low to high'],
  ['-quantity', 'Quantity, high to low'],
  ['-updated_at', 'Recently updated'],
  ['updated_at', 'Least recently updated'],
]

/** The view a route describes; unknown values fall back to the defaults. */
export function viewOf(route: Route): ProductsView {
  const active = route.params.get('active') ?? ''
  const sort = route.params.get('sort') ?? ''
  const page = Number(route.params.get('page') ?? 1)
  return {
    q: route.params.get('q') ?? '',
    active: active === 'true' || active === 'false' ? active : '',
    sort: SORTS.some(([value]) => value === sort) ? sort : '',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  }
}

/** The link of a view. */
export function linkOf(view: ProductsView): string {
  return href('/products', {
    q: view.q,
    active: view.active,
    sort: view.sort,
    page: view.page > 1 ? view.page : undefined,
  })
}

/** The API's filter of a view, as a query string and as a bulk-change filter. */
export function filterOf(view: ProductsView): Record<string, string> {
  return {
    ...(view.q ? { q: view.q } : {}),
    ...(view.active ? { active: view.active } : {}),
  }
}
