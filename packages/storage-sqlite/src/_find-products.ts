import { type ProductFilter, type ProductQuery, skuKey } from '@product-importer/core'
import { contains, type FoundProducts } from '@product-importer/core/sql'
import type BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import type { SqliteConnection } from './_connection.js'
import { filterAlone } from './_count-products.js'
import { sqliteFlavor } from './_flavor.js'
import { HAS_TAIL, nameMatches } from './_product-names.js'

/**
 * Up to this many matches of a SKU filter, the page is read by their rowids. 10,000 lookups
 * and a sort take a few milliseconds; past that the newest-first walk finds a page sooner.
 */
const LISTED_SKUS = 10_000

/**
 * Up to this many matches of a name filter, the page is read through `product_names` (a scan
 * of the narrow table, then a lookup per match) rather than by walking the newest-first index,
 * which for a rarer name passes thousands of products per match.
 */
const LISTED_NAMES = 200

/**
 * SQLite's `findProducts`: a text filter on one narrow structure gives its total and, when its
 * matches are few, names them for the page query.
 *
 * - A SKU alone: one scan of the `sku_key` index collects the matching rowids; their number is
 *   the total and, up to {@link LISTED_SKUS}, the page is read by them. Matches clustered in
 *   the oldest products cost the same as any others, where walking newest first would pass
 *   most of the table before finding a page.
 * - A name alone, with its total: counted over `product_names` on the threads (see
 *   _product-names.ts), which this asks to fold in any products it lacks.
 *
 * Any other filter is left to the shared queries.
 */
export function createProductFinder(
  connection: () => SqliteConnection,
  countOnThreads: (filter: ProductFilter) => Promise<number | undefined>,
  foldNames: () => void,
) {
  // The same SQL for every SKU (the text is a parameter): prepared once.
  let skuRowids: BetterSqlite3.Statement | undefined
  let hasTail: BetterSqlite3.Statement | undefined

  return async (query: ProductQuery): Promise<FoundProducts | undefined> => {
    const name = filterAlone(query, 'name')
    // Without a total, the newest-first walk finds a page of a common name at once.
    if (name !== undefined && query.withTotal !== false) {
      // Products created outside an import are read from the table until folded in.
      hasTail ??= connection().database.prepare(HAS_TAIL).pluck()
      if (hasTail.get()) foldNames()
      const total = await countOnThreads(query)
      if (total === undefined) return undefined
      return total <= LISTED_NAMES ? { total, only: nameMatches(name) } : { total }
    }
    const sku = filterAlone(query, 'sku')
    if (sku === undefined) return undefined
    const { database, db } = connection()
    const compiled = db
      .selectFrom('products')
      .select(sql<number>`rowid`.as('rowid'))
      .where(contains(sqliteFlavor, 'sku_key', skuKey(sku)))
      .compile()
    skuRowids ??= database.prepare(compiled.sql).pluck()
    const rowids = skuRowids.all(...compiled.parameters) as number[]
    const total = rowids.length
    if (total > LISTED_SKUS) return { total }
    return { total, only: sql`rowid in (select value from json_each(${JSON.stringify(rowids)}))` }
  }
}
