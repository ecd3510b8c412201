import { storageFailed as toStorageError } from '@product-importer/core/sql'

/** The SQLSTATE of a PostgreSQL error, when `error` is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** True for a unique violation on the `sku_key` column. */
export function isSkuKeyViolation(error: unknown): boolean {
  if (sqlState(error) !== '23505') return false
  const { constraint, detail } = error as { constraint?: string; detail?: string }
  return Boolean(constraint?.includes('sku_key') || detail?.includes('(sku_key)'))
}

/** A driver or connection error as `STORAGE_FAILED`, naming PostgreSQL and what failed. */
export const storageFailed = (what: string, error: unknown) =>
  toStorageError('PostgreSQL', what, error)
