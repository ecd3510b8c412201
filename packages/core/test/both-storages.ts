import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import {
  createProductImporter,
  type ImporterStorage,
  type ProductImporter,
  type ProductImporterOptions,
} from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import pg from 'pg'
import { afterEach, describe, inject } from 'vitest'
import { tempDir } from './helpers.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgTestUrl: string
  }
}

const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''

/** The storages every behaviour here is checked on. */
export type StorageKind = 'sqlite' | 'postgresql'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Options of a test importer besides its storage. */
export type TestImporterOptions = Omit<ProductImporterOptions, 'storage'>

/** A migrated importer on a fresh SQLite file or a fresh PostgreSQL schema, closed after the test. */
export async function importerOn(
  kind: StorageKind,
  options: TestImporterOptions = {},
): Promise<ProductImporter> {
  const storage =
    kind === 'sqlite'
      ? sqliteStorage({ filename: join(tempDir(), 'products.db') })
      : pgStorage({ connectionString: await freshPgUrl() })
  const importer = createProductImporter({ ...options, storage })
  await importer.storage.migrate()
  // Registered after the schema's cleanup, so it runs before the schema is dropped.
  cleanups.push(() => importer.close())
  return importer
}

/** The URL of a fresh PostgreSQL schema of its own, dropped after the test. */
export async function freshPgUrl(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client(PG_URL)
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const url = new URL(PG_URL)
  url.searchParams.set('options', `-c search_path=${schema},public`)
  cleanups.push(async () => {
    await admin.query(`drop schema ${schema} cascade`)
    await admin.end()
  })
  return url.toString()
}

/**
 * A fresh database (SQLite file or PostgreSQL schema), removed after the test, as a function
 * that opens a new storage on it each call: several importers sharing one database, as several
 * processes or a restarted one do. Storages it opened are closed after the test unless closed
 * before.
 */
export async function databaseOn(kind: StorageKind): Promise<() => ImporterStorage> {
  const opened: ImporterStorage[] = []
  const track = (storage: ImporterStorage) => {
    opened.push(storage)
    return storage
  }
  // Registered after the schema's cleanup, so it runs before the schema is dropped.
  const url = kind === 'sqlite' ? undefined : await freshPgUrl()
  cleanups.push(async () => {
    for (const storage of opened) await storage.close().catch(() => {})
  })
  if (!url) {
    const filename = join(tempDir(), 'products.db')
    return () => track(sqliteStorage({ filename }))
  }
  return () => track(pgStorage({ connectionString: url }))
}

/** The PostgreSQL server the tests run against, when there is one. */
export const PG_TEST_URL = PG_URL

/**
 * Declares the tests of `body` once per storage, so each behaviour is checked on SQLite and on
 * PostgreSQL alike (PostgreSQL is skipped when the run has none).
 */
export function onBothStorages(body: (kind: StorageKind) => void): void {
  describe('on SQLite', () => body('sqlite'))
  describe.skipIf(!PG_URL)('on PostgreSQL', () => body('postgresql'))
}
