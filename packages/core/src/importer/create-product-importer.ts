import { randomUUID } from 'node:crypto'
import { consoleLogger } from '../logger.js'
import { createAllowedHttpGuard } from '../webhooks/_allowed-http-guard.js'
import { createWebhookDispatcher } from '../webhooks/dispatcher.js'
import { createWebhookEventBus } from '../webhooks/event-bus.js'
import { createDeliveryLimiter } from '../webhooks/limiter.js'
import { createWebhookSender } from '../webhooks/send.js'
import { createEventSink } from './_webhook-events.js'
import { createImportQueue } from './import-queue.js'
import { createImportsApi } from './imports-api.js'
import {
  createJobLiveness,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
} from './job-liveness.js'
import { createMappingsApi } from './mappings-api.js'
import { createProductsApi } from './products-api.js'
import type { ProductImporter, ProductImporterOptions } from './types.js'
import { createWebhooksApi } from './webhooks-api.js'

/**
 * The facade over a storage that the HTTP adapter, the CLI and SDK users call: products CRUD,
 * bulk delete, CSV export, import jobs and webhooks. The schema is migrated on first use. Once
 * webhooks are in use (an endpoint exists, or `webhooks` is called), deliveries are sent in the
 * background until `close()`, unless `webhooks.dispatch` is `'manual'`.
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
  const hooks = options.webhooks ?? {}
  const now = hooks.now ?? (() => new Date())
  const guard = createAllowedHttpGuard({
    allowHttp: hooks.allowHttp ?? false,
    allowHosts: hooks.allowHosts ?? [],
    ...(hooks.resolve ? { resolve: hooks.resolve } : {}),
  })
  // The sender loads its HTTP client on the first send, so an importer that never sends a
  // webhook costs nothing here.
  const sender = createWebhookSender({
    guard,
    connectTimeoutMs: hooks.connectTimeoutMs,
    timeoutMs: hooks.timeoutMs,
    maxResponseBytes: hooks.maxResponseBytes,
    userAgent: hooks.userAgent,
  })
  const logger = options.logger ?? consoleLogger
  const dispatcher = createWebhookDispatcher({
    storage,
    sender,
    limiter: createDeliveryLimiter({
      ...(hooks.concurrency === undefined ? {} : { concurrency: hooks.concurrency }),
      ...(hooks.perEndpointConcurrency === undefined
        ? {}
        : { perEndpointConcurrency: hooks.perEndpointConcurrency }),
    }),
    now,
    ...pick(hooks, ['policy', 'leaseMs', 'pollMs', 'retentionMs', 'instanceId']),
    onError:
      hooks.onError ??
      ((error) => logger.error({ err: error }, 'product-importer: webhook dispatcher failed')),
  })
  const background = (hooks.dispatch ?? 'background') === 'background'
  const bus = createWebhookEventBus()
  // The loop runs only where webhooks are in use: an importer with no endpoint polls nothing.
  const dispatching = () => {
    if (background) dispatcher.start()
    return dispatcher
  }
  const events = createEventSink(storage, bus, () => dispatching().notify(), now)
  let outboxChecked = false

  const instanceId = options.instanceId ?? randomUUID()
  const liveness = createJobLiveness(storage, {
    ownerId: instanceId,
    intervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    timeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    events,
  })
  let migrated: Promise<void> | undefined
  const ready = async () => {
    migrated ??= (options.migrate === false ? Promise.resolve() : storage.migrate())
      // Jobs left running by a process that died end as interrupted before anything else reads them.
      .then(() => liveness.start())
      .catch((error) => {
        migrated = undefined
        throw error
      })
    await migrated
    // Deliveries left from an earlier run go out from the first use on, not the first change.
    if (background && !outboxChecked) {
      outboxChecked = true
      // Not awaited: the first call waits for no webhook query.
      events.hasEndpoints().then(
        (any) => any && dispatching(),
        () => {},
      )
    }
  }
  const running = new Map<string, { controller: AbortController; done: Promise<unknown> }>()
  const queue = createImportQueue(
    options.maxConcurrentImports ?? defaultMaxConcurrentImports(storage),
  )

  let closing: Promise<void> | undefined
  // Safe to call twice: the second call waits for the first.
  const close = () => (closing ??= shutDown())
  const shutDown = async () => {
    queue.close()
    for (const { controller } of running.values()) controller.abort()
    await Promise.all([...running.values()].map(({ done }) => done))
    await liveness.stop()
    await dispatcher.close()
    await sender.close()
    bus.close()
    await storage.close()
  }
  return {
    storage,
    products: createProductsApi(storage, ready, events, options.searchLimit),
    imports: createImportsApi(
      storage,
      ready,
      running,
      options.importDefaults,
      {
        instanceId,
        queue,
        sweep: liveness.sweep,
        ends: liveness,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
        ...(options.databaseWaitMs === undefined ? {} : { databaseWaitMs: options.databaseWaitMs }),
      },
      events,
    ),
    mappings: createMappingsApi(storage, ready),
    webhooks: createWebhooksApi({
      storage,
      ready,
      guard,
      dispatcher: dispatching,
      bus,
      events,
      now,
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

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key]
  return picked
}
