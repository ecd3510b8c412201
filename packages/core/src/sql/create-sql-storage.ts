import { type AliasableExpression, type Kysely, sql } from 'kysely'
import { ImporterError } from '../errors.js'
import type {
  DeleteAllGuard,
  ImporterStorage,
  ImportWriter,
  ImportWriterOptions,
  ProductFilter,
  ProductQuery,
  ProductRecord,
  StorageCapabilities,
} from '../storage/types.js'
import type { OutboxEvent } from '../storage/webhook-types.js'
import type { SqlFlavor } from './flavor.js'
import { createJobQueries } from './jobs.js'
import { createMappingQueries } from './mappings.js'
import { migrateToLatest } from './migrations.js'
import { createProductQueries, type FoundProducts, type ListOrder } from './products.js'
import { recordAttempts } from './record-attempts.js'
import type { ImporterDatabase } from './schema.js'
import { storageFailed } from './storage-failed.js'
import { createEndpointQueries } from './webhook-endpoints.js'
import { createOutboxQueries, enqueueEvents, recordAttempt } from './webhook-outbox.js'
import { expandRowEvent, hasRowEvents } from './webhook-row-events.js'

/**
 * What a Kysely adapter gives {@link createSqlStorage}: its connection, its flavor and the few
 * things that truly differ between databases. Everything else of the contract is shared.
 */
export interface SqlStorageDefinition {
  flavor: SqlFlavor
  /**
   * The Kysely instance over the adapter's connection. Called on every use, so an adapter may
   * open its connection on the first call; it MUST return the same instance afterwards.
   */
  db(): Kysely<ImporterDatabase>
  /** True when `error` is the database refusing a second product with the same `sku_key`. */
  isUniqueViolation(error: unknown): boolean
  /**
   * True when `error` says the database cannot be reached now (refused or lost connection, a
   * server starting up or shutting down): the kit reports it as `DATABASE_UNAVAILABLE` instead
   * of `STORAGE_FAILED`. MUST be false for errors of the query itself (a constraint, a full
   * disk, bad SQL).
   * @default never
   */
  isUnavailable?(error: unknown): boolean
  /** The import hot path. See {@link ImporterStorage.openImportWriter}. */
  openImportWriter(options: ImportWriterOptions): Promise<ImportWriter>
  /**
   * Streams products its own way (e.g. over a server-side cursor).
   * @default keyset pages of `chunkSize` through the shared queries
   */
  streamProducts?(
    filter: ProductFilter,
    options: { chunkSize?: number },
  ): AsyncIterable<ProductRecord[]>
  /**
   * Counts the products matching `filter` its own way (e.g. a text filter scanned by several
   * threads), or hands it to `shared`, the shared query. Used outside transactions only.
   * @default the shared query
   */
  countProducts?(filter: ProductFilter, shared: () => Promise<number>): Promise<number>
  /**
   * The total of a filter as an expression the page query selects beside each row, where the
   * adapter keeps it at hand (PostgreSQL: a sum over its totals table): one statement for the
   * page and its total, read in one snapshot. MUST equal what `countProducts` gives; returns
   * `undefined` for a filter it does not keep. A page with no rows counts by `countProducts`.
   * @default none: the total is counted beside the page
   */
  totalInPage?(filter: ProductFilter): AliasableExpression<unknown> | undefined
  /**
   * Finds the products matching a text filter its own way, in one pass where the shared
   * queries would take two (a count, then a walk for the page): their total and, optionally, a
   * condition naming exactly them for the page query (SQLite: the rowids read from a narrow
   * index). MUST count what `countProducts` would; returns `undefined` to leave the filter to
   * the shared queries. Used outside transactions only.
   * @default the shared count and page queries
   */
  findProducts?(query: ProductQuery): Promise<FoundProducts | undefined>
  /**
   * Deletes every product its own way, inside the transaction `trx` (SQLite: without the
   * row-by-row deletes a trigger on products forces); returns how many there were.
   * @default the shared `DELETE FROM products`
   */
  deleteAllProducts?(trx: Kysely<ImporterDatabase>): Promise<number>
  /**
   * Lists products newest first from their ids alone while every stored id embeds its
   * `createdAt` (the kit's UUIDv7 ids do), so that the adapter need not keep an index on
   * `(created_at, id)` current on every insert. `byId()` is asked before each list, and
   * `outOfOrder` is called before a product whose id does not embed its `createdAt` is inserted
   * (SQLite builds the index then). The order is the same either way.
   * @default ordered by `(created_at, id)`
   */
  listOrder?: ListOrder
  /** See {@link ImporterStorage.onJobChange}. */
  onJobChange?(listener: (jobId: string | undefined) => void): () => void
  /**
   * Runs `run` while no import batch of this storage is written; the kit runs its transactions
   * and writes through it. For drivers where a batch and the shared queries contend (SQLite: a
   * batch on the connection would fail to begin in the middle of a transaction, and a write
   * beside a batch on the writer thread would wait for the lock on the event loop).
   * @default runs `run` at once
   */
  exclusive?<T>(run: () => Promise<T>): Promise<T>
  /**
   * Runs `run` so that the queries it sends are cancelled on the server when `signal` aborts
   * (PostgreSQL: a cancel request for the backend running one). The kit calls it for a listing
   * with a signal, and turns what an aborted listing throws into `CANCELLED`.
   * @default runs `run` as it is: no query is cut short, none starts after the abort
   */
  cancellable?<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T>
  capabilities?: StorageCapabilities
  /** Releases what the adapter opened itself. Called once, by the storage's `close()`. */
  close(): Promise<void>
}

/**
 * Refuses, inside the deletion's transaction, a delete-all whose caller counted another set: a
 * product created since the count, or another number of products.
 */
async function checkDeleteAll(
  trx: Kysely<ImporterDatabase>,
  flavor: SqlFlavor,
  { expect, createdAtMost }: DeleteAllGuard,
): Promise<void> {
  if (flavor.lockTable) await sql.raw(flavor.lockTable('products')).execute(trx)
  const newer = createdAtMost
    ? sql`sum(case when created_at > ${flavor.time(createdAtMost)} then 1 else 0 end)`
    : sql`0`
  const { rows } = await sql<{ matching: number | string; newer: number | string | null }>`
    select count(*) as matching, ${newer} as newer from products`.execute(trx)
  const matching = Number(rows[0]?.matching ?? 0)
  if (Number(rows[0]?.newer ?? 0) > 0) {
    throw new ImporterError(
      'SELECTION_CHANGED',
      'Products were created after the count was taken; nothing was deleted',
      { details: { reason: 'created_since', matching } },
    )
  }
  if (expect !== undefined && matching !== expect) {
    throw new ImporterError(
      'SELECTION_CHANGED',
      `There are ${matching} products now, not the ${expect} confirmed; nothing was deleted`,
      { details: { reason: 'count', expected: expect, matching } },
    )
  }
}

/** A storage made by {@link createSqlStorage}: the contract, releasable with `await using`. */
export type SqlStorage = ImporterStorage & AsyncDisposable

/**
 * The storage kit: the whole {@link ImporterStorage} contract over a Kysely adapter. It owns the
 * closed state (every call after `close()` fails with `STORAGE_FAILED`), turns SKU-key unique
 * violations into `SKU_TAKEN` and every other driver error into `STORAGE_FAILED` naming the
 * database, and runs the shared migrations followed by the flavor's.
 *
 * @example
 * ```ts
 * export function myStorage(options: MyOptions): SqlStorage {
 *   const db = new Kysely<ImporterDatabase>({ dialect: createMyDialect(options) })
 *   return createSqlStorage({
 *     flavor: myFlavor,
 *     db: () => db,
 *     isUniqueViolation: (error) => (error as { code?: string }).code === 'UNIQUE',
 *     openImportWriter: (writerOptions) => openMyWriter(db, writerOptions),
 *     close: () => db.destroy(),
 *   })
 * }
 * ```
 */
export function createSqlStorage(definition: SqlStorageDefinition): SqlStorage {
  const { flavor } = definition
  let opened:
    | {
        db: Kysely<ImporterDatabase>
        products: ReturnType<typeof createProductQueries>
        jobs: ReturnType<typeof createJobQueries>
        endpoints: ReturnType<typeof createEndpointQueries>
        outbox: ReturnType<typeof createOutboxQueries>
        mappings: ReturnType<typeof createMappingQueries>
      }
    | undefined
  let closed = false

  const failed = (what: string, error: unknown) =>
    storageFailed(flavor.label, what, error, definition.isUnavailable)
  const open = () => {
    if (closed) throw new ImporterError('STORAGE_FAILED', `the ${flavor.label} storage is closed`)
    if (!opened) {
      let db: Kysely<ImporterDatabase>
      try {
        db = definition.db()
      } catch (error) {
        throw failed('opening the database', error)
      }
      opened = {
        db,
        products: createProductQueries(db, flavor, {
          count: definition.countProducts,
          find: definition.findProducts,
          listOrder: definition.listOrder,
          totalInPage: definition.totalInPage,
        }),
        jobs: createJobQueries(db, flavor),
        endpoints: createEndpointQueries(db, flavor),
        outbox: createOutboxQueries(db, flavor),
        mappings: createMappingQueries(db, flavor),
      }
    }
    return opened
  }
  /** Runs one call of the contract with the closed check and the error rule. */
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw failed(what, error)
    }
  }
  /** `run` for a caller that may go away: nothing starts, and nothing fails, once it has. */
  const whileWanted = async <T>(signal: AbortSignal | undefined, run: () => Promise<T>) => {
    if (!signal) return run()
    const gone = (cause?: unknown) =>
      new ImporterError('CANCELLED', 'the listing was cancelled: its caller has gone', { cause })
    if (signal.aborted) throw gone()
    try {
      return await (definition.cancellable ? definition.cancellable(signal, run) : run())
    } catch (error) {
      throw signal.aborted ? gone(error) : error
    }
  }
  const skuTaken = (sku: string, error: unknown) =>
    new ImporterError('SKU_TAKEN', `SKU "${sku}" belongs to another product`, { cause: error })
  const products = () => open().products
  const jobs = () => open().jobs
  const endpoints = () => open().endpoints
  const outbox = () => open().outbox
  const mappings = () => open().mappings
  const exclusive = definition.exclusive ?? (<T>(run: () => Promise<T>) => run())
  /**
   * One write outside a transaction, with the error rule. It waits for `exclusive` too: beside
   * SQLite's writer thread, a write that came during a batch would otherwise wait for the
   * database's write lock on the event loop.
   */
  const write = <T>(what: string, run: () => Promise<T>) => call(what, () => exclusive(run))
  /** One transaction of shared queries, with the error rule. */
  const transaction = <T>(what: string, run: (trx: Kysely<ImporterDatabase>) => Promise<T>) =>
    call(what, () => exclusive(() => open().db.transaction().execute(run)))
  /** `change` alone, or `change` and the deliveries of the events it causes in one transaction. */
  const withEvents = <T>(
    what: string,
    change: (queries: ReturnType<typeof createProductQueries>) => Promise<T>,
    events: ((result: T) => readonly OutboxEvent[]) | undefined,
  ): Promise<T> => {
    if (!events) return write(what, () => change(products()))
    return transaction(what, async (trx) => {
      const result = await change(
        createProductQueries(trx, flavor, { listOrder: definition.listOrder }),
      )
      await enqueueEvents(trx, flavor, events(result))
      return result
    })
  }

  /**
   * One transaction per record: a failure or a crash undoes only the record in hand, which stays
   * to be expanded again, and a long backlog never holds one transaction open.
   */
  async function expandRowEvents({ atLeast = Number.POSITIVE_INFINITY } = {}): Promise<number> {
    let written = 0
    while (written < atLeast) {
      const expanded = await transaction('webhook expand', (trx) => expandRowEvent(trx, flavor))
      if (expanded === undefined) break
      written += expanded
    }
    return written
  }

  async function close(): Promise<void> {
    if (closed) return
    closed = true
    await call('close', () => definition.close())
  }

  function streamProducts(
    filter: ProductFilter = {},
    options: { chunkSize?: number } = {},
  ): AsyncIterable<ProductRecord[]> {
    return guardedChunks(() =>
      definition.streamProducts
        ? definition.streamProducts(filter, options)
        : products().stream(filter, options.chunkSize),
    )
  }

  /** Chunks read with the closed check and the error rule on every step. */
  async function* guardedChunks<T>(open: () => AsyncIterable<T>): AsyncIterable<T> {
    const chunks = open()
    const iterator = chunks[Symbol.asyncIterator]()
    try {
      for (;;) {
        const next = await call('export', () => iterator.next())
        if (next.done) return
        yield next.value
      }
    } finally {
      await iterator.return?.()
    }
  }

  async function openImportWriter(options: ImportWriterOptions): Promise<ImportWriter> {
    open()
    const writer = await call('opening the import writer', () =>
      definition.openImportWriter(options),
    )
    // The writer's own hints (`threaded`, `batchSize`) pass as they are.
    return {
      ...writer,
      write: (rows) =>
        call('import batch', () => {
          open()
          return exclusive(() => writer.write(rows))
        }),
      close: () => call('closing the import writer', () => writer.close()),
    }
  }

  return {
    dialect: flavor.name,
    capabilities: definition.capabilities ?? {},

    migrate: () => call('migration', () => migrateToLatest(open().db, flavor)),
    ping: () =>
      call('ping', async () => {
        await sql`select 1`.execute(open().db)
      }),
    close,
    [Symbol.asyncDispose]: close,

    getProduct: (id) => call('read', () => products().get(id)),
    getProductBySkuKey: (key) => call('read', () => products().getBySkuKey(key)),
    listProducts: (query) =>
      call('list', () => whileWanted(query.signal, () => products().list(query))),
    countProducts: (filter) => call('count', () => products().count(filter)),
    streamProducts,
    streamProductIds: (filter = {}, options = {}) =>
      guardedChunks(() => products().streamIds(filter, options.chunkSize)),
    insertProduct: (record, events) =>
      withEvents(
        'insert',
        async (q) => {
          try {
            return await q.insert(record)
          } catch (error) {
            throw definition.isUniqueViolation(error) ? skuTaken(record.sku, error) : error
          }
        },
        events && (() => events),
      ),
    updateProduct: (id, values, events, options) =>
      withEvents(
        'update',
        async (q) => {
          try {
            return await q.update(id, values, options?.expected)
          } catch (error) {
            throw definition.isUniqueViolation(error) ? skuTaken(values.sku ?? '', error) : error
          }
        },
        events && ((product) => (product ? events(product) : [])),
      ),
    setProductsActive: (ids, active, updatedAt, events) =>
      transaction('update', async (trx) => {
        const queries = createProductQueries(trx, flavor, { listOrder: definition.listOrder })
        const done = await queries.setActive(ids, active, updatedAt, events !== undefined)
        if (events && done.count > 0) await enqueueEvents(trx, flavor, events(done.changed))
        return { changed: done.count, notFound: done.notFound }
      }),
    deleteProducts: (ids, events) =>
      withEvents(
        'delete',
        async (q) => {
          const deleted = events ? await q.getMany(ids) : []
          return { count: await q.deleteMany(ids), deleted }
        },
        events && (({ deleted }) => events(deleted)),
      ).then(({ count }) => count),
    deleteAllProducts: (events, guard) => {
      const deleteAll = definition.deleteAllProducts
      if (!deleteAll && !guard) return withEvents('delete', (q) => q.deleteAll(), events)
      return transaction('delete', async (trx) => {
        if (guard) await checkDeleteAll(trx, flavor, guard)
        const count = deleteAll
          ? await deleteAll(trx)
          : await createProductQueries(trx, flavor, { listOrder: definition.listOrder }).deleteAll()
        if (events) await enqueueEvents(trx, flavor, events(count))
        return count
      })
    },

    openImportWriter,

    createJob: (job) => write('job write', () => jobs().create(job)),
    updateJob: (id, patch, events) =>
      events
        ? transaction('job write', async (trx) => {
            const job = await createJobQueries(trx, flavor).update(id, patch)
            if (job) await enqueueEvents(trx, flavor, events)
            return job
          })
        : write('job write', () => jobs().update(id, patch)),
    claimJob: (id, startedAt, ownerId, events) =>
      events
        ? transaction('job write', async (trx) => {
            const job = await createJobQueries(trx, flavor).claim(id, startedAt, ownerId)
            if (job) await enqueueEvents(trx, flavor, events(job))
            return job
          })
        : write('job write', () => jobs().claim(id, startedAt, ownerId)),
    reclaimJob: (id, ownerId, at) => write('job write', () => jobs().reclaim(id, ownerId, at)),
    beatJobs: (ownerId, at, except = []) =>
      write('job write', () => jobs().beat(ownerId, at, except)),
    interruptStaleJobs: (staleBefore, patch, events) =>
      events
        ? transaction('job write', async (trx) => {
            const marked = await createJobQueries(trx, flavor).interruptStale(staleBefore, patch)
            if (marked.length > 0) await enqueueEvents(trx, flavor, marked.flatMap(events))
            return marked
          })
        : write('job write', () => jobs().interruptStale(staleBefore, patch)),
    getJob: (id) => call('job read', () => jobs().get(id)),
    listJobs: (options) => call('job read', () => jobs().list(options)),
    ...(definition.onJobChange ? { onJobChange: definition.onJobChange } : {}),

    createWebhookEndpoint: (record) => write('webhook write', () => endpoints().create(record)),
    getWebhookEndpoint: (id) => call('webhook read', () => endpoints().get(id)),
    listWebhookEndpoints: () => call('webhook read', () => endpoints().list()),
    updateWebhookEndpoint: (id, patch, options) =>
      write('webhook write', () => endpoints().update(id, patch, options)),
    deleteWebhookEndpoint: (id) =>
      transaction('webhook write', (trx) => createEndpointQueries(trx, flavor).delete(id)),
    enqueueEvents: (events) =>
      transaction('webhook enqueue', (trx) => enqueueEvents(trx, flavor, events)),
    expandRowEvents,
    claimDeliveries: async (options) => {
      if (!options.ids) await expandRowEvents({ atLeast: options.limit })
      return write('webhook claim', () => outbox().claim(options))
    },
    recordAttempt: (result) =>
      transaction('webhook attempt', (trx) => recordAttempt(trx, flavor, result)),
    recordAttempts: (results) =>
      transaction('webhook attempt', (trx) => recordAttempts(trx, flavor, results)),
    nextDeliveryDue: (now) =>
      call('webhook read', async () =>
        (await hasRowEvents(open().db)) ? now : outbox().nextDue(now),
      ),
    getDelivery: (id) => call('webhook read', () => outbox().get(id)),
    listDeliveries: (endpointId, options) =>
      call('webhook read', () => outbox().list(endpointId, options)),
    listAttempts: (endpointId, options) =>
      call('webhook read', () => outbox().attempts(endpointId, options)),
    requeueDeliveries: (options) => write('webhook write', () => outbox().requeue(options)),
    pruneWebhooks: (before) => write('webhook prune', () => outbox().prune(before)),

    addRowErrors: (jobId, errors) =>
      write('row error write', () => jobs().addRowErrors(jobId, errors)),
    listRowErrors: (jobId, options) =>
      call('row error read', () => jobs().listRowErrors(jobId, options)),

    saveMapping: (record) => write('mapping write', () => mappings().save(record)),
    getMapping: (signature) => call('mapping read', () => mappings().get(signature)),
    listMappings: () => call('mapping read', () => mappings().list()),
    deleteMapping: (signature) => write('mapping write', () => mappings().delete(signature)),
  }
}
