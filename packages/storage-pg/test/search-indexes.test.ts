import { importRow, productRecord } from '@product-importer/adapter-tests'
import type { ProductFilter } from '@product-importer/core'
import { type PgStorage, pgStorage } from '@product-importer/storage-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSchema, PG_URL } from './_pg.js'

/** `url` whose connections also run with these planner settings. */
function withSettings(url: string, settings: Record<string, string>): string {
  const u = new URL(url)
  const extra = Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`)
  u.searchParams.set('options', [u.searchParams.get('options') ?? '', ...extra].join(' ').trim())
  return u.toString()
}

/**
 * Only the trigram indexes may find rows (a scan is priced out). Commits wait for their WAL, as
 * on a production server: the test server commits asynchronously, and VACUUM cannot mark a page
 * all-visible while the commit of its rows is not yet flushed.
 */
const INDEXES_ONLY = { enable_seqscan: 'off', enable_bitmapscan: 'off', synchronous_commit: 'on' }
/** No index may find rows: every filter is a scan of the table. */
const SCANS_ONLY = {
  enable_indexscan: 'off',
  enable_bitmapscan: 'off',
  enable_indexonlyscan: 'off',
}

const WORDS = ['Oak', 'lamp', 'Steel', 'MUG', 'wireless', 'Desk', '50%', 'a_b', 'back\\slash']
const word = (i: number, salt: number) => WORDS[(i * salt + salt) % WORDS.length] ?? ''

/** 900 products whose names and descriptions mix the words above in varied letter cases. */
const ROWS = Array.from({ length: 900 }, (_, i) =>
  importRow(`Sku-${String(i).padStart(4, '0')}-${i % 7 === 0 ? 'X_1' : 'y'}`, {
    name: `${word(i, 3)} ${word(i, 5)} ${i}`,
    description: i % 4 === 0 ? `with ${word(i, 7).toUpperCase()} inside` : '',
  }),
)

const FILTERS: ProductFilter[] = [
  { name: 'lamp' },
  { name: 'LAMP' },
  { name: 'oak la' },
  { name: 'steel st' },
  { name: '50%' },
  { name: 'a_b' },
  { name: 'back\\s' },
  { name: 'k 1' },
  { name: 'qqq' },
  { name: 'zebra quartz' },
  { name: 'mu' },
  { sku: 'sku-00' },
  { sku: 'X_1' },
  { sku: '012' },
  { sku: 'nothing' },
  { q: 'mug' },
  { q: 'x_1' },
  { q: 'inside' },
  { name: 'desk', q: 'oak' },
]

describe.skipIf(!PG_URL)('search indexes', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>
  let indexed: PgStorage
  let scanned: PgStorage
  beforeAll(async () => {
    schema = await createSchema()
    // Default options: the indexes migrate() creates unless told otherwise.
    indexed = pgStorage({ connectionString: withSettings(schema.url, INDEXES_ONLY) })
    await indexed.migrate()
    const writer = await indexed.openImportWriter({ dryRun: false })
    await writer.write(ROWS)
    await writer.close()
    scanned = pgStorage({ connectionString: withSettings(schema.url, SCANS_ONLY) })
  })
  afterAll(async () => {
    await indexed?.close()
    await scanned?.close()
    await schema?.drop()
  })

  /** The plan of a count, a scan of the table priced out, and bitmap scans too if `bitmaps` is false. */
  const plan = async (
    where: string,
    { bitmaps = false, analyze = false, indexOnly = true } = {},
  ) => {
    await schema.raw('begin')
    try {
      await schema.raw('set local enable_seqscan = off')
      if (!bitmaps) await schema.raw('set local enable_bitmapscan = off')
      if (!indexOnly) await schema.raw('set local enable_indexonlyscan = off')
      const explain = analyze ? 'explain analyze' : 'explain'
      const rows = await schema.raw(`${explain} select count(*) from products where ${where}`)
      return rows.map((r) => r['QUERY PLAN']).join('\n')
    } finally {
      await schema.raw('commit')
    }
  }

  it('counts the products whose name holds a text from the name index alone', async () => {
    expect(await plan("name ilike '%lamp%'")).toMatch(
      /Index Only Scan using products_name_trgm_idx/,
    )
  })

  it('leaves a first load ready to count name matches without reading the table', async () => {
    // Index-only scans skip the table only where the visibility map says so.
    expect(await plan("name ilike '%lamp%'", { analyze: true })).toMatch(/Heap Fetches: 0\b/)
  })

  it('finds SKU substrings through a trigram index by default', async () => {
    // On these 900 products (18 pages) reading all of the sku_key B-tree costs the planner
    // exactly what the trigram index and the table do (40.02 either way), so that scan, which
    // grows with the table, is left out.
    expect(await plan("sku_key ilike '%sku-00%'", { bitmaps: true, indexOnly: false })).toMatch(
      /products_sku_key_trgm_idx/,
    )
  })

  it('gives the same totals and pages through the indexes as a scan of the table', async () => {
    for (const filter of FILTERS) {
      for (const page of [1, 3]) {
        const query = { ...filter, page, pageSize: 4 }
        const [fromIndexes, fromScan] = await Promise.all([
          indexed.listProducts(query),
          scanned.listProducts(query),
        ])
        const ids = (p: typeof fromScan) => p.items.map((item) => item.id)
        expect({ filter, page, total: fromIndexes.total, ids: ids(fromIndexes) }).toEqual({
          filter,
          page,
          total: fromScan.total,
          ids: ids(fromScan),
        })
      }
    }
  })

  it('matches what a case-insensitive substring test of the stored names finds', async () => {
    const all = await allProducts(scanned)
    for (const text of ['lamp', 'OAK L', '50%', 'a_b', 'back\\s', 'qqq']) {
      const expected = all
        .filter((p) => p.name.toLowerCase().includes(text.toLowerCase()))
        .map((p) => p.id)
      const found = await allProducts(indexed, { name: text })
      expect({ text, ids: found.map((p) => p.id) }).toEqual({ text, ids: expected })
    }
  })
})

describe.skipIf(!PG_URL)('search index migrations', () => {
  it('turns the GIN name index of an earlier migrate() into the GiST one', async () => {
    const older = await createSchema()
    try {
      await using storage = pgStorage({ connectionString: older.url })
      await storage.migrate()
      // The state a database migrated before the GiST index existed is in.
      await older.raw(`drop index products_name_trgm_idx;
        create index products_name_trgm_idx on products using gin (name gin_trgm_ops);
        delete from product_importer_migrations where name = 'postgres_0004_name_trgm_gist'`)
      const at = new Date()
      await storage.insertProduct(
        productRecord({ sku: 'L-1', name: 'Desk Lamp', createdAt: at, updatedAt: at }),
      )
      await storage.migrate()
      const indexes = await older.raw(
        "select indexdef from pg_indexes where schemaname = ? and indexdef like '%name%trgm_ops%'",
        [older.name],
      )
      expect(indexes.map((i) => i.indexdef)).toEqual([
        expect.stringMatching(
          /products_name_trgm_idx .*USING gist \(name gist_trgm_ops\) INCLUDE \(name\)/,
        ),
      ])
      expect((await storage.listProducts({ name: 'LAMP' })).total).toBe(1)
    } finally {
      await older.drop()
    }
  })
})

/** Every product matching `filter`, newest first, page by page. */
async function allProducts(storage: PgStorage, filter: ProductFilter = {}) {
  const items = []
  for (let page = 1; ; page++) {
    const found = await storage.listProducts({ ...filter, page, pageSize: 100 })
    items.push(...found.items)
    if (found.items.length < 100) return items
  }
}
