import {
  type AliasableExpression,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely'
import { ImporterError } from '../errors.js'
import {
  FIELD_NAMES,
  FIELDS,
  type FieldSpec,
  SORT_COLUMNS,
  type SortField,
} from '../product/fields.js'
import { nameKey } from '../product/name-key.js'
import { skuKey } from '../product/sku-key.js'
import { toPath } from '../product/values.js'
import { pageSizeOf } from '../storage/paging.js'
import type {
  ProductFilter,
  ProductQuery,
  ProductRecord,
  ProductRecordPage,
  ProductStamp,
  ProductValues,
} from '../storage/types.js'
import type { SqlFlavor } from './flavor.js'
import { fromProductRecord, toColumn, toDate, toProductRecord } from './rows.js'
import type { ImporterDatabase } from './schema.js'

type Db = Kysely<ImporterDatabase>
type ProductsQuery = SelectQueryBuilder<ImporterDatabase, 'products', object>

const SPECS: readonly FieldSpec[] = FIELD_NAMES.map((field) => FIELDS[field])

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** `column` contains `text`, case-insensitively (LIKE with `text`'s wildcards escaped). */
export function contains(flavor: SqlFlavor, column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} ${sql.raw(flavor.ilike)} ${escapeLike(text)} escape '\\'`
}

/** Adds the WHERE clauses of a {@link ProductFilter}. */
export function applyProductFilter(
  query: ProductsQuery,
  filter: ProductFilter,
  flavor: SqlFlavor,
): ProductsQuery {
  let q = query
  if (filter.sku) q = q.where(contains(flavor, 'sku_key', skuKey(filter.sku)))
  if (filter.name) q = q.where(contains(flavor, 'name', filter.name))
  if (filter.description) q = q.where(contains(flavor, 'description', filter.description))
  if (filter.active !== undefined) q = q.where('active', '=', flavor.bool(filter.active))
  if (filter.brand !== undefined) q = q.where('brand', '=', filter.brand)
  if (filter.barcode !== undefined) q = q.where('barcode', '=', filter.barcode)
  if (filter.group !== undefined) q = q.where('variant_group', '=', filter.group)
  if (filter.tag !== undefined) q = q.where(flavor.listHas('tags', filter.tag))
  if (filter.category !== undefined) {
    // The path itself, or one below it: `Home > Lighting` and `Home > Lighting > ...`.
    const path = toPath(filter.category)
    q = q.where((eb) =>
      eb.or([eb('category', '=', path), flavor.startsWith('category', `${path} > `)]),
    )
  }
  const text = filter.q?.trim()
  if (text) {
    q = q.where((eb) =>
      eb.or([
        contains(flavor, 'sku_key', skuKey(text)),
        contains(flavor, 'name', text),
        contains(flavor, 'description', text),
      ]),
    )
  }
  return q
}

/** The filters on the catalog fields: exact values (a category and what lies below it). */
export const CATALOG_FILTERS = ['brand', 'category', 'tag', 'group', 'barcode'] as const

/** Every filter of {@link ProductFilter} (a query's page, sort and cursor are none). */
const FILTER_KEYS = [
  'sku',
  'name',
  'description',
  'active',
  'q',
  ...CATALOG_FILTERS,
] as const satisfies readonly (keyof ProductFilter)[]
// Checked by the compiler: a filter added to ProductFilter is in FILTER_KEYS.
type UnlistedFilter = Exclude<keyof ProductFilter, (typeof FILTER_KEYS)[number]>
const everyFilterIsListed: [UnlistedFilter] extends [never] ? true : UnlistedFilter = true
void everyFilterIsListed

/**
 * Whether `filter` narrows by anything besides `keys`: a shortcut that answers for those keys
 * only (a kept total, one index) asks this, so a filter added later is never ignored.
 */
export function filtersBeyond(
  filter: ProductFilter,
  keys: readonly (keyof ProductFilter)[],
): boolean {
  return FILTER_KEYS.some((key) => {
    const value = filter[key]
    if (keys.includes(key) || value === undefined) return false
    return typeof value !== 'string' || value.trim() !== ''
  })
}

/** Whether `filter` has one of {@link CATALOG_FILTERS}. */
export const hasCatalogFilter = (filter: ProductFilter): boolean =>
  CATALOG_FILTERS.some((key) => filter[key] !== undefined)

/** Whether `filter` matches text (`q`, `sku`, `name`, `description`), which no index serves. */
export const hasTextFilter = (filter: ProductFilter): boolean =>
  Boolean(filter.q?.trim() || filter.sku || filter.name || filter.description)

/**
 * A page whose matches are rarer than one in this many rows of the ordering index is found by
 * a scan (see `SqlFlavor.unindexed`).
 */
const FEW_MATCHES_FACTOR = 8

function encodeCursor(record: ProductRecord): string {
  return Buffer.from(`${record.createdAt.getTime()}|${record.id}`).toString('base64url')
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const ms = Number(at)
  if (!id || !Number.isSafeInteger(ms)) {
    throw new ImporterError('VALIDATION_FAILED', 'cursor is not one this API returned')
  }
  return { at: new Date(ms), id }
}

/**
 * The products past `(t, id)` in list order: before it (`<`) or after it (`>`), by the id alone
 * where ids give the order (see {@link ListOrder}).
 */
function pastKey(byId: boolean, op: '<' | '>', t: number | Date, id: string) {
  return (eb: ExpressionBuilder<ImporterDatabase, 'products'>) =>
    byId
      ? eb('id', op, id)
      : eb.or([eb('created_at', op, t), eb.and([eb('created_at', '=', t), eb('id', op, id)])])
}

/** The conditions under which a `products` row still holds exactly the values of `record`. */
function sameAs(
  eb: ExpressionBuilder<ImporterDatabase, 'products'>,
  record: ProductRecord,
  flavor: SqlFlavor,
): Expression<SqlBool>[] {
  const values = record as unknown as Record<string, unknown>
  return [
    ...SPECS.map((spec) => {
      const value = toColumn(spec, values[spec.key], flavor)
      return value === null
        ? eb(spec.column as 'sku', 'is', null)
        : eb(spec.column as 'sku', '=', value as string)
    }),
    eb('updated_at', '=', flavor.time(record.updatedAt)),
  ]
}

/**
 * The products matching a filter as an adapter found them in one pass: their total and, where
 * it has one, a condition naming exactly those products that is cheap to read as a whole.
 */
export interface FoundProducts {
  total: number
  /** Replaces the filter in the page query, which then reads these rows and sorts them. */
  only?: Expression<SqlBool>
}

/**
 * How an adapter keeps the newest-first order of products (`createdAt`, then `id`) when its
 * ids are time-ordered: see `SqlStorageDefinition.listOrder`.
 */
export interface ListOrder {
  /** Whether every stored product's id embeds its `createdAt`, so ids alone give the order. */
  byId(): boolean
  /**
   * Called on `db` before a product whose id does not embed its `createdAt` is inserted: from
   * then on `byId()` is false (the adapter indexes `(created_at, id)` again).
   */
  outOfOrder(db: Db): Promise<void>
}

/**
 * Whether `id` starts with `createdAt` as a UUIDv7 writes it (48 bits of milliseconds in
 * lowercase hex, a dash after the first 8 digits), as the ids of `createUuidV7` do. Between such
 * ids, the order of the ids is the order of (`createdAt`, `id`).
 */
export function idFollowsCreation(id: string, createdAt: Date): boolean {
  const ms = createdAt.getTime()
  if (!(ms >= 0 && ms < 2 ** 48) || id.length < 13 || id[8] !== '-') return false
  return id.slice(0, 8) + id.slice(9, 13) === ms.toString(16).padStart(12, '0')
}

/** What an adapter does its own way (see `SqlStorageDefinition`). */
export interface ProductsOwnWay {
  /** The adapter's count (`SqlStorageDefinition.countProducts`). */
  count?: (filter: ProductFilter, shared: () => Promise<number>) => Promise<number>
  /** The adapter's search (`SqlStorageDefinition.findProducts`). */
  find?: (query: ProductQuery) => Promise<FoundProducts | undefined>
  /** `SqlStorageDefinition.listOrder`. */
  listOrder?: ListOrder
  /** `SqlStorageDefinition.totalInPage`. */
  totalInPage?: (filter: ProductFilter) => AliasableExpression<unknown> | undefined
}

/** Shared product queries of the Kysely adapters, with what the adapter does its own way. */
export function createProductQueries(db: Db, flavor: SqlFlavor, own: ProductsOwnWay = {}) {
  const { count: countOwnWay, find: findOwnWay, listOrder, totalInPage } = own
  const filtered = (filter: ProductFilter) =>
    applyProductFilter(db.selectFrom('products'), filter, flavor)

  /** Products matching `filter` oldest first, `chunkSize` at a time, by keyset. */
  async function* walk<R extends { id: string; created_at: number | Date }>(
    filter: ProductFilter,
    chunkSize: number,
    columns: (q: ProductsQuery) => SelectQueryBuilder<ImporterDatabase, 'products', R>,
  ): AsyncIterable<R[]> {
    let after: { t: number | Date; id: string } | undefined
    for (;;) {
      const byId = listOrder?.byId() ?? false
      let q = columns(filtered(filter))
      if (!byId) q = q.orderBy('created_at')
      q = q.orderBy('id').limit(chunkSize)
      if (after) {
        const { t, id } = after
        q = q.where(pastKey(byId, '>', t, id))
      }
      const rows = await q.execute()
      if (rows.length === 0) return
      yield rows
      const last = rows.at(-1)!
      after = { t: last.created_at, id: last.id }
      if (rows.length < chunkSize) return
    }
  }

  async function sharedCount(filter: ProductFilter): Promise<number> {
    const row = await filtered(filter)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
  const count = (filter: ProductFilter = {}): Promise<number> =>
    countOwnWay ? countOwnWay(filter, () => sharedCount(filter)) : sharedCount(filter)

  return {
    count,

    async get(id: string): Promise<ProductRecord | undefined> {
      const row = await db
        .selectFrom('products')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return row && toProductRecord(row)
    },

    async getBySkuKey(key: string): Promise<ProductRecord | undefined> {
      const row = await db
        .selectFrom('products')
        .selectAll()
        .where('sku_key', '=', key)
        .executeTakeFirst()
      return row && toProductRecord(row)
    },

    async list(query: ProductQuery): Promise<ProductRecordPage> {
      const size = pageSizeOf(query)
      const keyset = query.cursor !== undefined && !query.sort
      const offset = keyset ? 0 : (Math.max(Math.trunc(query.page ?? 1), 1) - 1) * size
      const withTotal = query.withTotal !== false
      const byId = listOrder?.byId() ?? false
      // Where the planner needs telling (see SqlFlavor.unindexed), a text filter's total comes
      // first: it says how rare the matches are, and so how to find the page (or that there is
      // none). Elsewhere the page and the total are asked at once. An adapter that finds the
      // matches its own way gives the total, and maybe the page's rows, in one pass.
      const found = findOwnWay && hasTextFilter(query) ? await findOwnWay(query) : undefined
      let total =
        found?.total ??
        (withTotal && flavor.unindexed && hasTextFilter(query) ? await count(query) : undefined)
      if (total === 0) return { items: [], ...(withTotal ? { total } : {}) }
      // A caller gone while the total was counted gets no page.
      query.signal?.throwIfAborted()
      // Few matches: walking the ordering index would pass nearly every row to find them, one
      // lookup each; reading the table in its own order and sorting the matches is faster.
      const few =
        found?.only !== undefined ||
        (total !== undefined && total < FEW_MATCHES_FACTOR * (offset + size + 1))
      const by = (column: string) =>
        few && flavor.unindexed ? flavor.unindexed(column) : sql.ref(column)
      // A total the adapter reads in the page's own statement saves a query and a connection.
      const inline = withTotal && total === undefined ? totalInPage?.(query) : undefined
      let q = (
        found?.only ? db.selectFrom('products').where(found.only) : filtered(query)
      ).selectAll()
      if (inline) q = q.select(inline.as('pi_total'))
      if (query.sort) {
        const field = query.sort.replace('-', '') as SortField
        const desc = query.sort.startsWith('-')
        // NULLs last either way: SQLite puts NULLs first by default, PostgreSQL last. Said of
        // nullable fields alone: on another column, PostgreSQL would not read an index
        // backwards for it.
        const nullable = field !== 'updated_at' && (FIELDS[field] as FieldSpec).nullable
        q = q.orderBy(by(SORT_COLUMNS[field]), (o) => {
          const direction = desc ? o.desc() : o.asc()
          return nullable ? direction.nullsLast() : direction
        })
        // Ties by id in the sort's direction, so one index on (column, id) serves both; SKU keys
        // are unique and have none.
        if (field !== 'sku') q = q.orderBy(by('id'), desc ? 'desc' : 'asc')
      } else {
        if (!byId) q = q.orderBy(by('created_at'), 'desc')
        q = q.orderBy(by('id'), 'desc')
      }
      if (keyset) {
        const { at, id } = decodeCursor(query.cursor!)
        const t = flavor.time(at)
        q = q.where(pastKey(byId, '<', t, id))
      } else {
        q = q.offset(offset)
      }
      const [rows, counted] = await Promise.all([
        q.limit(size + 1).execute(),
        withTotal && total === undefined && !inline ? count(query) : undefined,
      ])
      total ??= counted
      // A page past the last has no row to carry the total.
      if (inline) {
        const first = rows[0] as { pi_total?: unknown } | undefined
        total = first ? Number(first.pi_total) : await count(query)
      }
      const items = rows.slice(0, size).map(toProductRecord)
      const last = items.at(-1)
      return {
        items,
        ...(total === undefined || !withTotal ? {} : { total }),
        ...(rows.length > size && last && !query.sort ? { nextCursor: encodeCursor(last) } : {}),
      }
    },

    /** Keyset chunks, oldest first: no open cursor, so other queries may run in between. */
    async *stream(filter: ProductFilter = {}, chunkSize = 1000): AsyncIterable<ProductRecord[]> {
      for await (const rows of walk(filter, chunkSize, (q) => q.selectAll())) {
        yield rows.map(toProductRecord)
      }
    },

    /** {@link stream}, reading only each product's id and creation time. */
    async *streamIds(filter: ProductFilter = {}, chunkSize = 1000): AsyncIterable<ProductStamp[]> {
      for await (const rows of walk(filter, chunkSize, (q) => q.select(['id', 'created_at']))) {
        yield rows.map((row) => ({ id: row.id, createdAt: toDate(row.created_at) }))
      }
    },

    async insert(record: ProductRecord): Promise<ProductRecord> {
      // Giving the order by id up first keeps it true at every moment, whatever the insert does.
      if (listOrder?.byId() && !idFollowsCreation(record.id, record.createdAt)) {
        await listOrder.outOfOrder(db)
      }
      await db.insertInto('products').values(fromProductRecord(record, flavor)).execute()
      return record
    },

    async update(
      id: string,
      values: Partial<ProductValues> & { skuKey?: string; updatedAt: Date },
      expected?: ProductRecord,
    ): Promise<ProductRecord | undefined> {
      const given = values as Record<string, unknown>
      const set: Record<string, unknown> = {}
      for (const spec of SPECS) {
        const value = given[spec.key]
        if (value !== undefined) set[spec.column] = toColumn(spec, value, flavor)
      }
      if (values.skuKey !== undefined) set.sku_key = values.skuKey
      if (values.name !== undefined) set.name_key = nameKey(values.name)
      set.updated_at = flavor.time(values.updatedAt)
      let update = db.updateTable('products').set(set).where('id', '=', id)
      // The precondition is part of the write itself: nothing can commit between the check
      // and the change, whatever the isolation level.
      if (expected) update = update.where((eb) => eb.and(sameAs(eb, expected, flavor)))
      const result = await update.executeTakeFirst()
      const updated = Number(result.numUpdatedRows) > 0
      const row = await db
        .selectFrom('products')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) return undefined
      if (!updated) {
        throw new ImporterError('PRECONDITION_FAILED', `product ${id} changed since it was read`, {
          details: { current: toProductRecord(row) },
        })
      }
      return toProductRecord(row)
    },

    /** The products with these ids that exist, in no particular order. */
    async getMany(ids: readonly string[]): Promise<ProductRecord[]> {
      const records: ProductRecord[] = []
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom('products')
          .selectAll()
          .where('id', 'in', ids.slice(i, i + 500))
          .execute()
        records.push(...rows.map(toProductRecord))
      }
      return records
    },

    /**
     * Sets `active` on the products with these ids that do not have it, with `updatedAt`;
     * returns how many changed, the ids that named no product, and with `records` the changed
     * products after the change (what their events need; reading them back costs about 4x the
     * update itself on SQLite). Run in a transaction.
     */
    async setActive(
      ids: readonly string[],
      active: boolean,
      updatedAt: Date,
      records: boolean,
    ): Promise<{ count: number; changed: ProductRecord[]; notFound: string[] }> {
      const changed: ProductRecord[] = []
      let count = 0
      const found = new Set<string>()
      if (ids.length === 0) return { count, changed, notFound: [] }
      // The column's value as the driver binds it (SQLite: 1 or 0).
      const value = (flag: boolean) => flavor.bool(flag) as ImporterDatabase['products']['active']
      if (flavor.skipLocked) {
        // Rows locked in one statement, in sku_key order, as an import's batch locks them: two
        // such transactions then never wait for each other in a cycle (a deadlock).
        const locked = await db
          .selectFrom('products')
          .select('id')
          .where('id', 'in', ids)
          .orderBy('sku_key')
          .forUpdate()
          .execute()
        for (const row of locked) found.add(row.id)
      }
      // Chunked to stay under SQLite's bound-parameter limit.
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500)
        if (!flavor.skipLocked) {
          const existing = await db
            .selectFrom('products')
            .select('id')
            .where('id', 'in', chunk)
            .execute()
          for (const row of existing) found.add(row.id)
        }
        const update = db
          .updateTable('products')
          .set({ active: value(active), updated_at: flavor.time(updatedAt) })
          .where('id', 'in', chunk)
          .where('active', '=', value(!active))
        if (records) {
          const rows = await update.returningAll().execute()
          changed.push(...rows.map(toProductRecord))
          count += rows.length
        } else count += Number((await update.executeTakeFirst()).numUpdatedRows)
      }
      return { count, changed, notFound: ids.filter((id) => !found.has(id)) }
    },

    async deleteMany(ids: readonly string[]): Promise<number> {
      if (ids.length === 0) return 0
      let deleted = 0
      // Chunked to stay under SQLite's bound-parameter limit.
      for (let i = 0; i < ids.length; i += 500) {
        const result = await db
          .deleteFrom('products')
          .where('id', 'in', ids.slice(i, i + 500))
          .executeTakeFirst()
        deleted += Number(result.numDeletedRows)
      }
      return deleted
    },

    async deleteAll(): Promise<number> {
      const result = await db.deleteFrom('products').executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
