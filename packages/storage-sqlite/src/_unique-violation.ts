import BetterSqlite3 from 'better-sqlite3'

/** True when `error` is SQLite refusing a second product with the same `sku_key`. */
export function isSkuKeyViolation(error: unknown): boolean {
  return (
    error instanceof BetterSqlite3.SqliteError &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('products.sku_key')
  )
}
