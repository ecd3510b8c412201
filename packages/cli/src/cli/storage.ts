import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ImporterStorage } from '@product-importer/core'

/** Storage flags shared by every command. */
export const storageOptions = {
  db: { type: 'string' },
  'database-url': { type: 'string' },
} as const

/**
 * `--database-wait <seconds>` of the commands that import: how long an import waits for a
 * PostgreSQL that went away (a restart, a failover) before its batch, and then its job's end,
 * give up. The default is the adapter's and the importer's, 30 s.
 */
export const databaseWaitOption = {
  options: { 'database-wait': { type: 'string' } },
  integers: { 'database-wait': { min: 0, max: 3600 } },
} as const

/** The importer options `--database-wait` sets. */
export function databaseWaitOf(values: Record<string, unknown>): { databaseWaitMs?: number } {
  const seconds = values['database-wait'] as number | undefined
  return seconds === undefined ? {} : { databaseWaitMs: seconds * 1000 }
}

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
    const wait = databaseWaitOf(values).databaseWaitMs
    storage = pgStorage({
      connectionString: url,
      ...(wait === undefined ? {} : { reconnectWaitMs: wait }),
    })
  } else {
    const filename = resolve((values.db as string | undefined) ?? DEFAULT_DB)
    mkdirSync(dirname(filename), { recursive: true })
    const { sqliteStorage } = await import('@product-importer/storage-sqlite')
    storage = sqliteStorage({ filename })
  }
  return storage
}
