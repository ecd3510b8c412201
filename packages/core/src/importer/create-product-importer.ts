import { randomUUID } from 'node:crypto'
import { createImportQueue } from './import-queue.js'
import { createImportsApi } from './imports-api.js'
import {
  createJobLiveness,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
} from './job-liveness.js'
import { createProductsApi } from './products-api.js'
import type { ProductImporter, ProductImporterOptions } from './types.js'

/**
 * The facade over a storage that the HTTP adapter, the CLI and SDK users call: products CRUD,
 * bulk delete, CSV export and import jobs. The schema is migrated on first use.
 *
 * @example
 * ```ts
 * import { createProductImporter } from '@product-importer/core'
 * import { sqliteStorage } from '@product-importer/storage-sqlite'
 *
 * await using importer = createProductImporter({ storage: sqliteStorage({ filename: 'shop.db' }) })
 * const job = await importer.imports.start('products.csv')
 * for await (const state of importer.imports.watch(job.id)) console.log(state.status, state.rows)
 * ```
 */
export function createProductImporter(options: ProductImporterOptions): ProductImporter {
  const { storage } = options
  const instanceId = options.instanceId ?? randomUUID()
  const liveness = createJobLiveness(storage, {
    ownerId: instanceId,
    intervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    timeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
  })
  let migrated: Promise<void> | undefined
  const ready = () => {
    migrated ??= (options.migrate === false ? Promise.resolve() : storage.migrate())
      // Jobs left running by a process that died end as interrupted before anything else reads them.
      .then(() => liveness.start())
      .catch((error) => {
        migrated = undefined
        throw error
      })
    return migrated
  }
  const running = new Map<string, { controller: AbortController; done: Promise<unknown> }>()
  const queue = createImportQueue(
    options.maxConcurrentImports ?? defaultMaxConcurrentImports(storage),
  )

  const close = async () => {
    queue.close()
    for (const { controller } of running.values()) controller.abort()
    await Promise.all([...running.values()].map(({ done }) => done))
    await liveness.stop()
    await storage.close()
  }
  return {
    storage,
    products: createProductsApi(storage, ready),
    imports: createImportsApi(storage, ready, running, options.importDefaults, {
      instanceId,
      queue,
      sweep: liveness.sweep,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    }),
    close,
    [Symbol.asyncDispose]: close,
  }
}

/**
 * Imports one instance runs at once unless told otherwise: SQLite writes one transaction at a
 * time, so more only wait on its lock; PostgreSQL takes a connection per import beside the pool.
 */
function defaultMaxConcurrentImports(storage: ProductImporterOptions['storage']): number {
  return storage.capabilities?.multiInstance ? 4 : 2
}
