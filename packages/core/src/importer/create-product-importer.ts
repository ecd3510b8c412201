import { createImportsApi } from './imports-api.js'
import { createMappingsApi } from './mappings-api.js'
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
  let migrated: Promise<void> | undefined
  const ready = () => {
    if (options.migrate === false) return Promise.resolve()
    migrated ??= storage.migrate().catch((error) => {
      migrated = undefined
      throw error
    })
    return migrated
  }
  const running = new Map<string, { controller: AbortController; done: Promise<unknown> }>()

  const close = async () => {
    for (const { controller } of running.values()) controller.abort()
    await Promise.all([...running.values()].map(({ done }) => done))
    await storage.close()
  }
  return {
    storage,
    products: createProductsApi(storage, ready),
    imports: createImportsApi(storage, ready, running, options.importDefaults),
    mappings: createMappingsApi(storage, ready),
    close,
    [Symbol.asyncDispose]: close,
  }
}
