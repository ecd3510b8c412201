import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  headerSignature,
  importProducts,
  inspectProducts,
  isImporterError,
} from '@product-importer/core'
import { expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { allProducts, bytes, NO_CATALOG_FIELDS, tempDir } from './helpers.js'

const HEADERS = ['Item No', 'Title', 'Unit Price', 'Stock']
const first = `${HEADERS.join(',')}\nA-1,Anchor,10.00,4\nB-2,Buoy,2.50,9\n`
// Same headers in another order and case: the same signature.
const second = 'stock,unit price,TITLE,item no\n7,3.00,Buoy Large,B-2\n1,99.00,Compass,C-3\n'
const MAPPING = { sku: 'Item No', name: 'Title', price: 'Unit Price', quantity: 'Stock' }

/** A file of `text` in a fresh folder, as an import from disk reads it. */
function csvFile(text: string): string {
  const path = join(tempDir(), 'items.csv')
  writeFileSync(path, text)
  return path
}

onBothStorages((kind) => {
  it('remembers the mapping of an import and maps the next file with the same headers itself', async () => {
    const importer = await importerOn(kind)
    const summary = await importer.imports.run(
      (await importer.imports.create()).id,
      csvFile(first),
      { columns: MAPPING },
    )
    expect(summary).toMatchObject({ status: 'completed', created: 2 })
    const [saved, ...others] = await importer.mappings.list()
    expect(others).toEqual([])
    expect(saved).toMatchObject({
      signature: headerSignature(HEADERS),
      columns: MAPPING,
      headers: HEADERS,
    })

    const job = await importer.imports.create()
    const again = await importer.imports.run(job.id, bytes(second))
    expect(again).toMatchObject({ status: 'completed', created: 1, updated: 1, invalid: 0 })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'A-1',
        name: 'Anchor',
        description: '',
        price: '10.00',
        quantity: 4,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'B-2',
        name: 'Buoy Large',
        description: '',
        price: '3.00',
        quantity: 7,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'C-3',
        name: 'Compass',
        description: '',
        price: '99.00',
        quantity: 1,
        active: true,
      },
    ])
  })

  it('reads every byte of a large file whose header was read first to find its mapping', async () => {
    const importer = await importerOn(kind)
    await importer.mappings.save(HEADERS, MAPPING)
    const rows = Array.from({ length: 20_000 }, (_, i) => `S-${i},Item ${i},1.00,${i % 7}`)
    const path = csvFile(`${HEADERS.join(',')}\n${rows.join('\n')}\n`)
    const summary = await importer.imports.run((await importer.imports.create()).id, path)
    expect(summary).toMatchObject({
      status: 'completed',
      rows: 20_000,
      created: 20_000,
      invalid: 0,
    })
    expect(await importer.products.count()).toBe(20_000)
    expect((await importer.products.getBySku('S-19999'))?.name).toBe('Item 19999')
  })

  it('neither applies nor remembers a mapping when told not to remember', async () => {
    const importer = await importerOn(kind)
    await importer.mappings.save(HEADERS, MAPPING)
    const job = await importer.imports.create()
    const summary = await importer.imports.run(job.id, bytes(second), { remember: false })
    expect(summary.status).toBe('failed')
    expect(summary.error?.code).toBe('MISSING_SKU_COLUMN')

    const other = ['Code', 'Label']
    await importer.imports.run((await importer.imports.create()).id, bytes('Code,Label\nX,Y\n'), {
      columns: { sku: 'Code', name: 'Label' },
      remember: false,
    })
    expect(await importer.mappings.get(other)).toBeUndefined()
    expect(await importer.products.count()).toBe(1)
  })

  it('does not remember the mapping of a dry run', async () => {
    const importer = await importerOn(kind)
    const job = await importer.imports.create({ dryRun: true })
    const summary = await importer.imports.run(job.id, bytes(first), { columns: MAPPING })
    expect(summary).toMatchObject({ status: 'completed', dryRun: true, created: 2 })
    expect(await importer.mappings.list()).toEqual([])
  })

  it('turns a column off with a null field, even where an alias would map it', async () => {
    const importer = await importerOn(kind)
    await importer.mappings.save(HEADERS, { ...MAPPING, name: 'Title', quantity: null })
    await importer.imports.run((await importer.imports.create()).id, bytes(first))
    const [mapping] = await importer.mappings.list()
    expect(mapping?.columns.quantity).toBeNull()
    const job = await importer.imports.create()
    await importer.imports.run(job.id, bytes('sku,name,quantity\nA-1,Anchor,50\n'), {
      columns: { quantity: null },
    })
    expect((await importer.products.getBySku('A-1'))?.quantity).toBe(0)
  })

  it('refuses to save a mapping naming a header the file lacks, listing its headers', async () => {
    const importer = await importerOn(kind)
    const refused = await importer.mappings.save(HEADERS, { sku: 'Item Number' }).catch((e) => e)
    expect(isImporterError(refused, 'MAPPING_INVALID')).toBe(true)
    expect(refused.message).toContain('Item No, Title, Unit Price, Stock')
    expect(await importer.mappings.list()).toEqual([])
  })

  it('gets a mapping by signature or by headers, and deletes it', async () => {
    const importer = await importerOn(kind)
    const saved = await importer.mappings.save(HEADERS, { sku: 'Item No' })
    expect(await importer.mappings.get(saved.signature)).toEqual(saved)
    expect(await importer.mappings.get(['ITEM NO', 'stock', 'title', 'unit_price'])).toEqual(saved)
    expect(await importer.mappings.delete(saved.signature)).toBe(true)
    expect(await importer.mappings.delete(saved.signature)).toBe(false)
    expect(await importer.mappings.get(saved.signature)).toBeUndefined()
  })
})

it('inspects a file without a sku column when asked to, for choosing a mapping', async () => {
  const seen = await inspectProducts(bytes(first), { skuOptional: true })
  expect(seen.columns.map((c) => [c.header, c.field, c.samples])).toEqual([
    ['Item No', null, ['A-1', 'B-2']],
    ['Title', 'name', ['Anchor', 'Buoy']],
    ['Unit Price', 'price', ['10.00', '2.50']],
    ['Stock', 'quantity', ['4', '9']],
  ])
  expect(seen.rows.map((row) => row.status)).toEqual(['invalid', 'invalid'])
  const refused = await inspectProducts(bytes(first)).catch((e) => e)
  expect(isImporterError(refused, 'MISSING_SKU_COLUMN')).toBe(true)
})

onBothStorages((kind) => {
  it('fails an import without a header as it would without remembered mappings', async () => {
    const importer = await importerOn(kind)
    await importer.mappings.save(HEADERS, MAPPING)
    const direct = await importProducts(bytes('\u0000\u0000\u0000binary'), {
      storage: importer.storage,
    })
      [Symbol.asyncIterator]()
      .next()
      .catch((error) => error)
    const job = await importer.imports.create()
    const summary = await importer.imports.run(job.id, bytes('\u0000\u0000\u0000binary'))
    expect(summary.status).toBe('failed')
    expect(summary.error?.code).toBe(direct.code)
  })
})
