import { importRow } from '@product-importer/adapter-tests'
import { pgStorage } from '@product-importer/storage-pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSchema, PG_URL } from './_pg.js'

const rows = (from: number, count: number, name = 'Oak lamp') =>
  Array.from({ length: count }, (_, i) =>
    importRow(`D-${from + i}`, { name: `${name} ${from + i}` }),
  )

/** The trigram indexes `migrate()` creates unless told otherwise. */
const DEFAULT_INDEXES = ['products_name_trgm_idx', 'products_sku_key_trgm_idx']
/** The indexes such a load builds last: those, the sort indexes and the catalog ones. */
const PARKED = [
  'products_barcode_idx',
  'products_brand_desc_idx',
  'products_brand_idx',
  'products_category_idx',
  'products_name_key_idx',
  ...DEFAULT_INDEXES.slice(0, 1),
  'products_price_desc_idx',
  'products_price_idx',
  ...DEFAULT_INDEXES.slice(1),
  'products_tags_idx',
  'products_variant_group_idx',
]

describe.skipIf(!PG_URL)('trigram indexes of a load into an empty table', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>
  beforeEach(async () => {
    schema = await createSchema()
  })
  afterEach(() => schema.drop())

  const trigramIndexes = async () =>
    (
      await schema.raw(
        "select indexname from pg_indexes where schemaname = ? and indexdef like '%trgm_ops%' order by 1",
        [schema.name],
      )
    ).map((i) => i.indexname)
  const parked = async () =>
    (await schema.raw('select name from product_importer_deferred_indexes order by name')).map(
      (r) => r.name,
    )

  it('are built when the import ends, and searches answer meanwhile', async () => {
    await using storage = pgStorage({
      connectionString: schema.url,
      searchIndexes: ['name', 'sku'],
    })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write(rows(0, 300))
    expect(await trigramIndexes()).toEqual([])
    const found = await storage.listProducts({ name: 'lamp 12', pageSize: 5 })
    expect(found.total).toBe(11)
    expect((await storage.listProducts({ sku: 'd-29' })).total).toBe(11)
    await writer.write(rows(300, 300))
    await writer.close()
    expect(await trigramIndexes()).toEqual(DEFAULT_INDEXES)
    expect(await parked()).toEqual([])
    expect((await storage.listProducts({ name: 'lamp 59' })).total).toBe(11)
    const sorts = PARKED.filter((index) => !index.includes('trgm'))
    const built = await schema.raw(
      'select indexname from pg_indexes where schemaname = ? and indexname = any(?) order by 1',
      [schema.name, sorts],
    )
    expect(built.map((i) => i.indexname)).toEqual(sorts)
    // Built again as it was: GiST, holding the names for counts from the index alone.
    const [name] = await schema.raw(
      "select indexdef from pg_indexes where schemaname = ? and indexname = 'products_name_trgm_idx'",
      [schema.name],
    )
    expect(name?.indexdef).toMatch(/USING gist \(name gist_trgm_ops\) INCLUDE \(name\)/)
  })

  it('stay current while an import writes into a table that holds products', async () => {
    await using storage = pgStorage({ connectionString: schema.url })
    await storage.migrate()
    const first = await storage.openImportWriter({ dryRun: false })
    await first.write(rows(0, 10))
    await first.close()
    const second = await storage.openImportWriter({ dryRun: false })
    await second.write(rows(10, 10))
    expect(await trigramIndexes()).toEqual(DEFAULT_INDEXES)
    await second.close()
    expect(await storage.countProducts()).toBe(20)
  })

  it('stay current during a dry run, and during a second import beside a load', async () => {
    await using storage = pgStorage({ connectionString: schema.url })
    await storage.migrate()
    const dry = await storage.openImportWriter({ dryRun: true })
    await dry.write(rows(0, 10))
    expect(await trigramIndexes()).toEqual(DEFAULT_INDEXES)
    await dry.close()
    const load = await storage.openImportWriter({ dryRun: false })
    const beside = await storage.openImportWriter({ dryRun: false })
    await load.write(rows(0, 10))
    await beside.write(rows(100, 10))
    await beside.close()
    // The load that dropped the index builds it, not the import beside it.
    expect(await trigramIndexes()).toEqual([])
    await load.close()
    expect(await trigramIndexes()).toEqual(DEFAULT_INDEXES)
    expect(await storage.countProducts()).toBe(20)
  })

  it('left dropped by a load that crashed, are built by the next migrate()', async () => {
    await using storage = await afterCrashedLoad()
    expect(await trigramIndexes()).toEqual([])
    expect(await parked()).toEqual(PARKED)
    await storage.migrate()
    expect(await trigramIndexes()).toEqual(DEFAULT_INDEXES)
    expect(await parked()).toEqual([])
    expect((await storage.listProducts({ name: 'lamp 4' })).total).toBe(11)
  })

  it('left dropped by a load that crashed, are built by the next import', async () => {
    await using storage = await afterCrashedLoad()
    const next = await storage.openImportWriter({ dryRun: false })
    expect(await trigramIndexes()).toEqual(DEFAULT_INDEXES)
    await next.write(rows(0, 60))
    await next.close()
    expect(await storage.countProducts()).toBe(60)
    expect(await parked()).toEqual([])
  })

  /** A migrated storage whose first load crashed after 50 rows, its index left dropped. */
  async function afterCrashedLoad() {
    const storage = pgStorage({ connectionString: schema.url })
    await storage.migrate()
    const writer = await storage.openImportWriter({ dryRun: false })
    await writer.write(rows(0, 50))
    await crashLoad()
    await writer.close()
    return storage
  }

  /** Ends the session of the writer holding the bulk-load lock, as a crash of its process does. */
  async function crashLoad() {
    const [holder] = await schema.raw(
      `select pid from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()
        and objid::bigint = 'products'::regclass::oid::bigint`,
    )
    expect(holder).toBeDefined()
    await schema.raw('select pg_terminate_backend(?)', [holder!.pid])
  }
})
