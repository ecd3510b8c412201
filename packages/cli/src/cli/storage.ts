import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ImporterStorage } from '@product-importer/core'

/** Storage flags shared by every command. */
export const storageOptions = {
  db: { type: 'string' },
  'database-url': { type: 'string' },
} as const

/** Where the CLI keeps its SQLite database when neither flag is given. */
export const DEFAULT_DB = 'data/products.db'

/**
 * Opens (and migrates) the storage the flags select: `--database-url` (or `DATABASE_URL`) for
 * PostgreSQL, otherwise the SQLite file `--db`.
 */
export async function openStorage(values: Record<string, unknown>): Promise<ImporterStorage> {
  const storage = await createStorage(values)
  await storage.migrate()
  return storage
}

/** The storage the flags select, as {@link openStorage} picks it, not yet migrated. */
export async function createStorage(values: Record<string, unknown>): Promise<ImporterStorage> {
  const url = (values['database-url'] as string | undefined) ?? process.env.DATABASE_URL
  let storage: ImporterStorage
  if (url) {
    const { pgStorage } = await import('@product-importer/storage-pg')
    storage = pgStorage({ connectionString: url })
  } else {
    const filename = resolve((values.db as string | undefined) ?? DEFAULT_DB)
    mkdirSync(dirname(filename), { recursive: true })
    const { sqliteStorage } = await import('@product-importer/storage-sqlite')
    storage = sqliteStorage({ filename })
  }
  return storage
}
