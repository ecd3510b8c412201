import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ImporterError } from '@product-importer/core'

/** The worker files of this package, each built self-contained beside its entry. */
export type SqliteWorkerName = 'write-worker' | 'count-worker' | 'checkpoint-worker'

/**
 * A worker's file, beside this module. A service bundled into one file loses it unless the file
 * is copied beside the bundle: say which one, instead of the worker's "Cannot find module".
 */
export function workerFile(name: SqliteWorkerName): URL {
  const url = new URL(`./${name}.js`, import.meta.url)
  if (existsSync(url)) return url
  throw new ImporterError(
    'STORAGE_FAILED',
    `SQLite's ${name} file is missing at ${fileURLToPath(url)}: a bundled service copies node_modules/@product-importer/storage-sqlite/dist/${name}.js beside its bundle (see docs/embedding.md, "Bundling")`,
  )
}
