/** The page size used when none is asked for. */
export const DEFAULT_PAGE_SIZE = 20
/** The largest page size; larger requests get this many. */
export const MAX_PAGE_SIZE = 100

/** Clamps a requested page size to 1..{@link MAX_PAGE_SIZE}. */
export function pageSizeOf(query: { pageSize?: number }): number {
  const size = Math.trunc(query.pageSize ?? DEFAULT_PAGE_SIZE)
  return Math.min(Math.max(Number.isNaN(size) ? DEFAULT_PAGE_SIZE : size, 1), MAX_PAGE_SIZE)
}
