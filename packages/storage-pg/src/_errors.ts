import { ImporterError } from '@product-importer/core'

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

/** Wraps a driver or connection error in the contract's error family. */
export function storageFailed(what: string, error: unknown): ImporterError {
  if (error instanceof ImporterError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new ImporterError('STORAGE_FAILED', `PostgreSQL ${what} failed: ${reason}`, {
    cause: error,
  })
}
