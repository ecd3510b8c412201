import { parseInput } from '../_parse-input.js'
import { ImporterError } from '../errors.js'
import { NEW_PRODUCT_DEFAULTS } from '../product/new-product.js'
import { productInputSchema, productPatchSchema } from '../product/schema.js'
import { skuKey } from '../product/sku-key.js'
import { createUuidV7 } from '../product/uuid-v7.js'
import { formatPrice } from '../product/values.js'
import { pageSizeOf } from '../storage/paging.js'
import type { ImporterStorage, ProductRecord, ProductRecordPage } from '../storage/types.js'
import { productEventData } from '../webhooks/outbox-event.js'
import type { EventBatch, EventSink } from './_webhook-events.js'
import { exportCsv } from './export-csv.js'
import { checkSelection, idsOf, matchesNothing } from './selection.js'
import { toProduct } from './to-product.js'
import type { ProductsApi } from './types.js'

const NOTHING: ProductRecordPage = { items: [], total: 0 }
const NO_PRODUCTS = { async *streamProducts() {} }

const deletedEvents = (batch: EventBatch | undefined) =>
  batch &&
  ((deleted: readonly ProductRecord[]) =>
    deleted.map((record) => batch.add('product.deleted', productEventData(record))))

const updatedEvents = (batch: EventBatch | undefined) =>
  batch && ((record: ProductRecord) => [batch.add('product.updated', productEventData(record))])

/**
 * Product operations over a storage. Each change hands its webhook events to storage, which
 * writes them in the change's transaction; they reach in-process subscribers after the commit.
 */
export function createProductsApi(
  storage: ImporterStorage,
  ready: () => Promise<void>,
  events?: EventSink,
): ProductsApi {
  const begin = async () => events?.begin()
  // Time-ordered, like the ids imports give: products created in the same millisecond still
  // list newest first (the list orders by created_at, then id).
  const nextId = createUuidV7()
  return {
    async create(input) {
      await ready()
      const values = parseInput(productInputSchema, input)
      const now = new Date()
      const product = {
        id: nextId(now.getTime()),
        sku: values.sku,
        skuKey: skuKey(values.sku),
        name: values.name,
        description: values.description ?? NEW_PRODUCT_DEFAULTS.description,
        priceCents: values.price ?? NEW_PRODUCT_DEFAULTS.priceCents,
        quantity: values.quantity ?? NEW_PRODUCT_DEFAULTS.quantity,
        active: values.active ?? NEW_PRODUCT_DEFAULTS.active,
        createdAt: now,
        updatedAt: now,
      }
      const batch = await begin()
      const record = await storage.insertProduct(
        product,
        batch && [batch.add('product.created', productEventData(product))],
      )
      batch?.commit()
      return toProduct(record)
    },

    async get(id) {
      await ready()
      const record = await storage.getProduct(id)
      return record && toProduct(record)
    },

    async getBySku(sku) {
      await ready()
      const record = await storage.getProductBySkuKey(skuKey(sku))
      return record && toProduct(record)
    },

    async replace(id, input) {
      const values = parseInput(productInputSchema, input)
      return this.update(id, {
        description: NEW_PRODUCT_DEFAULTS.description,
        price:
          NEW_PRODUCT_DEFAULTS.priceCents === null
            ? null
            : formatPrice(NEW_PRODUCT_DEFAULTS.priceCents),
        quantity: NEW_PRODUCT_DEFAULTS.quantity,
        active: NEW_PRODUCT_DEFAULTS.active,
        ...input,
        sku: values.sku,
        name: values.name,
      })
    },

    async update(id, patch) {
      await ready()
      const values = parseInput(productPatchSchema, patch)
      const batch = await begin()
      const record = await storage.updateProduct(
        id,
        {
          ...(values.sku === undefined ? {} : { sku: values.sku, skuKey: skuKey(values.sku) }),
          ...(values.name === undefined ? {} : { name: values.name }),
          ...(values.description === undefined ? {} : { description: values.description }),
          ...(values.price === undefined ? {} : { priceCents: values.price }),
          ...(values.quantity === undefined ? {} : { quantity: values.quantity }),
          ...(values.active === undefined ? {} : { active: values.active }),
          updatedAt: new Date(),
        },
        updatedEvents(batch),
      )
      if (!record) throw new ImporterError('NOT_FOUND', `no product with id ${id}`)
      batch?.commit()
      return toProduct(record)
    },

    async delete(id) {
      await ready()
      const batch = await begin()
      const deleted = await storage.deleteProducts([id], deletedEvents(batch))
      batch?.commit()
      return deleted > 0
    },

    async deleteMany(ids) {
      await ready()
      const batch = await begin()
      const deleted = await storage.deleteProducts(ids, deletedEvents(batch))
      batch?.commit()
      return deleted
    },

    async deleteMatching(selection) {
      await ready()
      const checked = checkSelection(selection)
      let count = 0
      const notFound: string[] = []
      for await (const ids of idsOf(storage, checked)) {
        const batch = await begin()
        const deleted = new Set<string>()
        count += await storage.deleteProducts(ids, (records) => {
          for (const record of records) deleted.add(record.id)
          return batch
            ? records.map((record) => batch.add('product.deleted', productEventData(record)))
            : []
        })
        batch?.commit()
        if ('ids' in checked) notFound.push(...ids.filter((id) => !deleted.has(id)))
      }
      return { count, notFound }
    },

    async setActive(selection, active) {
      await ready()
      const checked = checkSelection(selection)
      let count = 0
      const notFound: string[] = []
      for await (const ids of idsOf(storage, checked)) {
        for (const id of ids) {
          const record = await storage.getProduct(id)
          if (!record) notFound.push(id)
          if (!record || record.active === active) continue
          const batch = await begin()
          const updated = await storage.updateProduct(
            id,
            { active, updatedAt: new Date() },
            updatedEvents(batch),
          )
          batch?.commit()
          if (updated) count++
        }
      }
      return { count, notFound: 'ids' in checked ? notFound : [] }
    },

    async deleteAll() {
      await ready()
      const batch = await begin()
      const count = await storage.deleteAllProducts(
        batch && ((deleted) => [batch.add('products.deleted_all', { count: deleted })]),
      )
      batch?.commit()
      return count
    },

    async list(query = {}) {
      await ready()
      const page = matchesNothing(query)
        ? NOTHING
        : await storage.listProducts({ ...query, withTotal: true })
      return {
        items: page.items.map(toProduct),
        total: page.total ?? 0,
        page: Math.max(Math.trunc(query.page ?? 1), 1),
        pageSize: pageSizeOf(query),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      }
    },

    async count(filter = {}) {
      await ready()
      return matchesNothing(filter) ? 0 : storage.countProducts(filter)
    },

    async *exportCsv(filter = {}, options = {}) {
      await ready()
      yield* exportCsv(matchesNothing(filter) ? NO_PRODUCTS : storage, filter, options)
    },
  }
}
