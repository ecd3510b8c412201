import { fileURLToPath } from 'node:url'
import { headerSignature, inspectProducts } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { allProducts, bytes } from './helpers.js'

const magento = fileURLToPath(new URL('./fixtures/shops/magento.csv', import.meta.url))

onBothStorages((kind) => {
  it('keeps how an import read its file on the job: platform, mapping and warnings, read back later', async () => {
    const importer = await importerOn(kind)
    await importer.products.create({ sku: 'AB-1', name: 'Old anchor' })
    const job = await importer.imports.create()
    const summary = await importer.imports.run(
      job.id,
      bytes('Reference,SKU,Name,Price\nSUP-778,AB-1,Anchor,12.50\n'),
    )
    // The exact `SKU` column is the SKU, not the `Reference` alias before it: an update.
    expect(summary).toMatchObject({ status: 'completed', created: 0, updated: 1 })
    expect(await allProducts(importer)).toMatchObject([{ sku: 'AB-1', name: 'Anchor' }])
    const reading = {
      platform: 'generic',
      mapping: { sku: 'SKU', name: 'Name', price: 'Price' },
      warnings: [
        {
          code: 'DUPLICATE_COLUMN',
          message: 'sku is read from "SKU" (column 2); column "Reference" (column 1) is ignored',
          columns: ['SKU', 'Reference'],
        },
      ],
    }
    expect(summary).toMatchObject(reading)
    const stored = await importer.imports.get(job.id)
    expect(stored).toMatchObject(reading)
    expect(stored?.rememberedMapping).toBeUndefined()
    expect((await importer.imports.list())[0]).toMatchObject(reading)
  })

  it('reads a price from a header with a unit and says nothing is wrong', async () => {
    const importer = await importerOn(kind)
    const job = await importer.imports.create()
    await importer.imports.run(
      job.id,
      bytes('SKU ,Product Name,Price (EUR),Qty [pcs]\nA-1,Anchor,12.50,4\n'),
    )
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'A-1', name: 'Anchor', price: '12.50', quantity: 4 },
    ])
    expect(await importer.imports.get(job.id)).toMatchObject({
      mapping: { sku: 'SKU', name: 'Product Name', price: 'Price (EUR)', quantity: 'Qty [pcs]' },
      warnings: [],
    })
  })

  it('names the columns of a field given twice and the one it reads', async () => {
    const importer = await importerOn(kind)
    const job = await importer.imports.create()
    await importer.imports.run(job.id, bytes('sku,name,price,price\nA-1,Anchor,1.00,2.00\n'))
    expect((await allProducts(importer))[0]?.price).toBe('1.00')
    expect((await importer.imports.get(job.id))?.warnings).toEqual([
      {
        code: 'DUPLICATE_COLUMN',
        message: 'price is read from "price" (column 3); column "price" (column 4) is ignored',
        columns: ['price', 'price'],
      },
    ])
  })

  it('counts the Magento store-view rows it skipped on the job', async () => {
    const importer = await importerOn(kind)
    const job = await importer.imports.create()
    await importer.imports.run(job.id, magento)
    const stored = await importer.imports.get(job.id)
    expect(stored?.platform).toBe('magento')
    expect(stored?.warnings).toContainEqual({
      code: 'ROWS_SKIPPED',
      message:
        'skipped 3 store-view rows (store_view_code set): they hold store-specific texts of a product whose default row is imported',
    })
  })

  it('says which remembered mapping it applied: its header signature and columns', async () => {
    const importer = await importerOn(kind)
    const headers = ['Item No', 'Title', 'Unit Price']
    const saved = await importer.mappings.save(headers, { sku: 'Item No', price: null })
    const job = await importer.imports.create()
    await importer.imports.run(job.id, bytes('Unit Price,Title,Item No\n9.99,Anchor,A-1\n'))
    expect((await allProducts(importer))[0]).toMatchObject({ sku: 'A-1', price: null })
    expect(await importer.imports.get(job.id)).toMatchObject({
      rememberedMapping: { signature: headerSignature(headers), columns: saved.columns },
      mapping: { sku: 'Item No', name: 'Title' },
    })
    expect(saved.signature).toBe(headerSignature(headers))
  })
})

describe('a file without a header row', () => {
  const codes = (warnings: { code: string }[]) => warnings.map((warning) => warning.code)

  it('says its first row looks like data, not a header, when numbers sit where column names would', async () => {
    const file = 'SKU-001,Desk lamp,12.50,3\nSKU-002,Chair,40.00,1\n'
    const seen = await inspectProducts(bytes(file), { skuOptional: true })
    expect(seen.warnings.find((w) => w.code === 'HEADER_LOOKS_LIKE_DATA')?.message).toBe(
      'the first row looks like data, not a header ("12.50", "3" are numbers); if it is a product, add a header row (such as sku,name,price) above it',
    )
    // Mapped by hand (as the web UI's mapping step does), the first product is still the header.
    const mapped = await inspectProducts(bytes(file), {
      columns: { sku: 'SKU-001', name: 'Desk lamp', price: '12.50' },
    })
    expect(codes(mapped.warnings)).toContain('HEADER_LOOKS_LIKE_DATA')
  })

  it('says so when no cell of the first row is a known column name, and not for a real header', async () => {
    const unknown = await inspectProducts(bytes('ABC-1,Desk lamp\nABC-2,Chair\n'), {
      skuOptional: true,
    })
    expect(unknown.warnings.find((w) => w.code === 'HEADER_LOOKS_LIKE_DATA')?.message).toMatch(
      /^the first row looks like data, not a header \(no cell is a known column name\)/,
    )
    const real = await inspectProducts(bytes('sku,name,price,quantity\nA-1,Lamp,12.50,3\n'))
    expect(codes(real.warnings)).toEqual([])
  })
})
