import { fileURLToPath } from 'node:url'
import { headerSignature, inspectProducts } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { bytes, tempImporter } from './helpers.js'

const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/shops/${name}`, import.meta.url))

describe('inspectProducts', () => {
  it('tells the platform, the field of each column with samples, and the first rows as they will import', async () => {
    const seen = await inspectProducts(fixture('shopify.csv'), { rows: 4 })
    expect(seen).toMatchObject({
      platform: 'shopify',
      encoding: 'utf-8',
      delimiter: ',',
      more: true,
    })
    expect(seen.mapping).toEqual({
      name: 'Title',
      description: 'Body (HTML)',
      sku: 'Variant SKU',
      quantity: 'Variant Inventory Qty',
      price: 'Variant Price',
      active: 'Status',
      barcode: 'Variant Barcode',
      brand: 'Vendor',
      category: 'Product Category',
      tags: 'Tags',
      compare_at_price: 'Variant Compare At Price',
      weight_grams: 'Variant Grams',
    })
    expect(seen.unmapped).toContain('Type')
    // Columns no field takes that the platform reads itself say how.
    expect(seen.columns.find((c) => c.header === 'Published')).toMatchObject({
      field: null,
      readAs: 'Active, with Status',
    })
    expect(seen.columns.find((c) => c.header === 'Handle')?.readAs).toMatch(/^Variant group/)
    expect(seen.columns.find((c) => c.header === 'Type')).not.toHaveProperty('readAs')
    expect(seen.columns.find((c) => c.header === 'Variant SKU')?.samples).toEqual([
      'TEE-S-BLU',
      'TEE-S-WHT',
      'TEE-L-BLU',
    ])
    expect(seen.rows).toEqual([
      {
        line: 2,
        status: 'valid',
        product: expect.objectContaining({
          sku: 'TEE-S-BLU',
          name: 'Ocean Tee - Small / Blue',
          price: '25.00',
          quantity: 12,
          active: true,
        }),
      },
      {
        line: 3,
        status: 'valid',
        product: expect.objectContaining({ sku: 'TEE-S-WHT', quantity: -2 }),
      },
      {
        line: 4,
        status: 'valid',
        product: expect.objectContaining({ sku: 'TEE-L-BLU', price: '27.50' }),
      },
      { line: 5, status: 'skipped' },
    ])
    expect(seen.signature).toBe(headerSignature(seen.columns.map((c) => c.header)))
  })

  it('shows invalid rows with their errors and writes nothing', async () => {
    const importer = await tempImporter()
    const seen = await inspectProducts(fixture('magento.csv'))
    expect(seen.rows.map((r) => r.status)).toEqual([
      'valid',
      'skipped',
      'valid',
      'skipped',
      'invalid',
      'skipped',
    ])
    expect(seen.rows[4]).toMatchObject({
      status: 'invalid',
      errors: [{ column: 'price', value: '92.1250' }],
    })
    expect(seen.more).toBe(false)
    expect(await importer.products.count()).toBe(0)
  })

  it('reads only the head of a large file', async () => {
    let pulled = 0
    const chunks = 1000
    async function* large() {
      yield 'sku;name;price\n'
      for (let c = 0; c < chunks; c++) {
        pulled++
        let text = ''
        for (let i = 0; i < 1000; i++) text += `S-${c}-${i};Product ${i};${i},50\n`
        yield text
      }
    }
    const seen = await inspectProducts(large())
    expect(seen.rows).toHaveLength(10)
    expect(seen.rows[1]).toMatchObject({
      status: 'valid',
      product: { sku: 'S-0-1', price: '1.50' },
    })
    expect(seen.more).toBe(true)
    expect(pulled).toBeLessThan(5)
  })

  it('detects a Windows-1252 file when it is not UTF-8', async () => {
    const file = Buffer.concat([
      Buffer.from('sku,name\nA-1,Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ])
    const seen = await inspectProducts(bytes(file))
    expect(seen.encoding).toBe('windows-1252')
    expect(seen.rows).toMatchObject([{ status: 'valid', product: { sku: 'A-1', name: 'Café' } }])
  })

  it('refuses a mapping naming a header the file lacks, as the import would', async () => {
    await expect(
      inspectProducts(bytes('Item No,Title\nX-1,Lamp\n'), { columns: { sku: 'Item' } }),
    ).rejects.toMatchObject({ code: 'MAPPING_INVALID', details: { headers: ['Item No', 'Title'] } })
  })
})

describe('headerSignature', () => {
  it('is the same for the same columns in any order, case or punctuation, and differs otherwise', () => {
    const a = headerSignature(['Item No', 'Unit Price', 'Stock'])
    expect(headerSignature(['stock', 'unit_price', 'ITEM NO'])).toBe(a)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(headerSignature(['Item No', 'Unit Price'])).not.toBe(a)
  })
})
