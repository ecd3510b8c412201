import { join } from 'node:path'
import { createProductImporter } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { allProducts, bytes, runImport, tempDir } from './helpers.js'

const CATALOG = [
  'sku,name,price,brand,category,tags,images,barcode,compare_at_price,weight_grams,group',
  'LAMP-S,Desk lamp S,19.99,Acme, Home >Lighting > Lamps ,"desk, brass, desk",https://cdn.example.com/s.jpg,4006381333931,24.99,1200,LAMP',
  'LAMP-L,Desk lamp L,29.99,Acme,Home > Lighting > Lamps,"desk, large","https://cdn.example.com/l.jpg, https://cdn.example.com/l2.jpg",4006381333948,,1800,LAMP',
  'MUG-1,Mug,5.00,Other Co,Home > Kitchen,kitchen,,,,350,',
].join('\n')

onBothStorages((kind) => {
  it('imports, stores and returns every catalog field, lists and paths as stored', async () => {
    const importer = await importerOn(kind)
    const { summary, errors } = await runImport(importer, bytes(CATALOG))
    expect(errors).toEqual([])
    expect(summary).toMatchObject({ created: 3, invalid: 0 })
    const small = await importer.products.getBySku('lamp-s')
    expect(small).toMatchObject({
      brand: 'Acme',
      category: 'Home > Lighting > Lamps',
      tags: ['desk', 'brass'],
      images: ['https://cdn.example.com/s.jpg'],
      barcode: '4006381333931',
      compareAtPrice: '24.99',
      weightGrams: 1200,
      group: 'LAMP',
    })
    expect(await importer.products.getBySku('MUG-1')).toMatchObject({
      brand: 'Other Co',
      tags: ['kitchen'],
      images: [],
      barcode: null,
      compareAtPrice: null,
      group: null,
    })
  })

  it('keeps fields a later file leaves out, counts a file that changes nothing as unchanged', async () => {
    const importer = await importerOn(kind)
    await runImport(importer, bytes(CATALOG))
    const again = await runImport(importer, bytes(CATALOG))
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 3 })
    const stock = await runImport(importer, bytes('sku,quantity,tags\nLAMP-S,4,"desk, sale"\n'))
    expect(stock.summary).toMatchObject({ updated: 1 })
    expect(await importer.products.getBySku('LAMP-S')).toMatchObject({
      quantity: 4,
      tags: ['desk', 'sale'],
      brand: 'Acme',
      images: ['https://cdn.example.com/s.jpg'],
      weightGrams: 1200,
    })
  })

  it('round-trips its export exactly, catalog fields included', async () => {
    const source = await importerOn(kind)
    await runImport(source, bytes(CATALOG))
    let csv = ''
    for await (const chunk of source.products.exportCsv()) csv += chunk
    const before = await allProducts(source)
    // Into the same database emptied: the products come back from the file alone.
    await source.products.deleteAll()
    const { summary } = await runImport(source, bytes(csv))
    expect(summary).toMatchObject({ created: 3, invalid: 0 })
    expect(await allProducts(source)).toEqual(before)
  })

  it('filters by brand, category and below, tag, group and barcode, and sorts by brand', async () => {
    const importer = await importerOn(kind)
    await runImport(importer, bytes(CATALOG))
    const skus = async (filter: Parameters<typeof importer.products.list>[0]) =>
      (await importer.products.list(filter)).items.map((p) => p.sku).sort()
    expect(await skus({ brand: 'Acme' })).toEqual(['LAMP-L', 'LAMP-S'])
    expect(await skus({ brand: 'acme' })).toEqual([])
    expect(await skus({ category: 'Home' })).toEqual(['LAMP-L', 'LAMP-S', 'MUG-1'])
    expect(await skus({ category: 'Home > Lighting' })).toEqual(['LAMP-L', 'LAMP-S'])
    // A level is matched whole: "Home > Light" is no parent of "Home > Lighting".
    expect(await skus({ category: 'Home > Light' })).toEqual([])
    expect(await skus({ category: 'home > lighting' })).toEqual([])
    expect(await skus({ tag: 'desk' })).toEqual(['LAMP-L', 'LAMP-S'])
    expect(await skus({ tag: 'des' })).toEqual([])
    expect(await skus({ group: 'LAMP' })).toEqual(['LAMP-L', 'LAMP-S'])
    expect(await skus({ barcode: '4006381333948' })).toEqual(['LAMP-L'])
    expect(await importer.products.count({ brand: 'Acme', tag: 'large' })).toBe(1)
    expect(await importer.products.count({ active: true, brand: 'Acme' })).toBe(2)
    const byBrand = await importer.products.list({ sort: '-brand' })
    expect(byBrand.items.map((p) => p.brand)).toEqual(['Other Co', 'Acme', 'Acme'])
  })

  it('refuses bad catalog values as row errors naming the column, writing the rest', async () => {
    const importer = await importerOn(kind)
    const tooMany = Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')
    const file = [
      'sku,name,images,weight_grams,tags,compare_at_price',
      'A,Ok,,,,',
      'B,Bad image,javascript:alert(1),,,',
      'C,Relative image,/img/c.jpg,,,',
      'D,Negative weight,,-5,,',
      `E,Many tags,,,"${tooMany}",`,
      'F,Bad compare,,,,12.345',
      'G,Password URL,https://user:secret@cdn.example.com/g.jpg,,,',
    ].join('\n')
    const { summary, errors } = await runImport(importer, bytes(file))
    expect(summary).toMatchObject({ created: 1, invalid: 6 })
    expect(errors.map((e) => [e.sku, e.column])).toEqual([
      ['B', 'images'],
      ['C', 'images'],
      ['D', 'weight_grams'],
      ['E', 'tags'],
      ['F', 'compare_at_price'],
      ['G', 'images'],
    ])
    expect(errors[0]!.message).toContain('absolute http or https URLs')
    expect(errors[2]!.message).toBe('weight_grams must be at least 0')
    expect(errors[3]!.message).toBe('tags must have at most 100 items')
  })

  it('creates, changes and clears catalog fields through the products API', async () => {
    const importer = await importerOn(kind)
    const created = await importer.products.create({
      sku: 'API-1',
      name: 'Lamp',
      brand: 'Acme',
      tags: ['a', 'b'],
      compareAtPrice: '9.99',
    })
    expect(created).toMatchObject({ brand: 'Acme', tags: ['a', 'b'], compareAtPrice: '9.99' })
    const changed = await importer.products.update(created.id, {
      brand: null,
      tags: ['b'],
      compareAtPrice: null,
      images: ['https://cdn.example.com/x.png'],
    })
    expect(changed).toMatchObject({
      brand: null,
      tags: ['b'],
      compareAtPrice: null,
      images: ['https://cdn.example.com/x.png'],
    })
    // The same values again change nothing, so the product keeps its time.
    const same = await importer.products.update(created.id, { tags: ['b'] })
    expect(same.updatedAt).toEqual(changed.updatedAt)
    await expect(
      importer.products.update(created.id, { images: ['ftp://cdn.example.com/x.png'] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })
})

describe('a SQLite database migrated before the catalog fields', () => {
  it('gains the columns on migrate, its products with none set, and imports into them', async () => {
    const filename = join(tempDir(), 'old.db')
    const first = createProductImporter({ storage: sqliteStorage({ filename }) })
    await runImport(first, bytes('sku,name,price\nOLD-1,Old,3.00\n'))
    await first.close()
    // Back to the schema before 0010: its columns, index and records gone.
    const raw = new Database(filename)
    raw.exec('DROP INDEX products_variant_group_idx')
    for (const column of COLUMNS) raw.exec(`ALTER TABLE products DROP COLUMN ${column}`)
    raw
      .prepare('DELETE FROM product_importer_migrations WHERE name IN (?, ?)')
      .run('0010_catalog_fields', 'sqlite_0004_group_index')
    raw.close()

    const again = createProductImporter({ storage: sqliteStorage({ filename }) })
    try {
      expect(await again.products.getBySku('OLD-1')).toMatchObject({
        price: '3.00',
        tags: [],
        images: [],
        brand: null,
        weightGrams: null,
        group: null,
      })
      const { summary } = await runImport(again, bytes('sku,brand,tags\nOLD-1,Acme,"a, b"\n'))
      expect(summary).toMatchObject({ updated: 1 })
      expect(await again.products.getBySku('OLD-1')).toMatchObject({
        brand: 'Acme',
        tags: ['a', 'b'],
      })
    } finally {
      await again.close()
    }
  })
})

const COLUMNS = [
  'barcode',
  'brand',
  'category',
  'tags',
  'images',
  'compare_at_price_cents',
  'weight_grams',
  'variant_group',
]
