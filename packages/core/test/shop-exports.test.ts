import { fileURLToPath } from 'node:url'
import { importProducts } from '@product-importer/core'
import { expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { allProducts, bytes, NO_CATALOG_FIELDS, runImport } from './helpers.js'

const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/shops/${name}`, import.meta.url))

onBothStorages((kind) => {
  it('imports every Shopify variant with the product fields of its handle (vendor, category, tags, first image), grouped by handle, skipping image rows', async () => {
    const importer = await importerOn(kind)
    const { summary, errors, warnings } = await runImport(importer, fixture('shopify.csv'))
    expect(errors).toEqual([])
    expect(summary).toMatchObject({
      status: 'completed',
      platform: 'shopify',
      rows: 5,
      created: 5,
      invalid: 0,
      skipped: 2,
    })
    const tee = '<p>Soft <b>cotton</b>, printed in Lisbon.</p>'
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'CAP-1',
        brand: 'Tidewear',
        images: ['https://cdn.example.com/cap.jpg'],
        weightGrams: 80,
        name: 'Winter Cap',
        description: '<p>Merino wool.</p>',
        price: '15.00',
        quantity: 3,
        active: false,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'gift-card',
        brand: 'Tidewear',
        weightGrams: 0,
        name: 'Gift Card',
        description: '<p>Any occasion.</p>',
        price: '50.00',
        quantity: 100,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'TEE-L-BLU',
        brand: 'Tidewear',
        category: 'Apparel & Accessories > Clothing > Shirts & Tops',
        tags: ['cotton', 'summer'],
        group: 'ocean-tee',
        images: ['https://cdn.example.com/tee-front.jpg'],
        weightGrams: 210,
        name: 'Ocean Tee - Large / Blue',
        description: tee,
        price: '27.50',
        quantity: 5,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'TEE-S-BLU',
        brand: 'Tidewear',
        category: 'Apparel & Accessories > Clothing > Shirts & Tops',
        tags: ['cotton', 'summer'],
        group: 'ocean-tee',
        images: ['https://cdn.example.com/tee-front.jpg'],
        compareAtPrice: '30.00',
        weightGrams: 200,
        name: 'Ocean Tee - Small / Blue',
        description: tee,
        price: '25.00',
        quantity: 12,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'TEE-S-WHT',
        brand: 'Tidewear',
        category: 'Apparel & Accessories > Clothing > Shirts & Tops',
        tags: ['cotton', 'summer'],
        group: 'ocean-tee',
        images: ['https://cdn.example.com/tee-front.jpg'],
        weightGrams: 200,
        name: 'Ocean Tee - Small / White',
        description: tee,
        price: '25.00',
        quantity: -2,
        active: true,
      },
    ])
    expect(warnings.map((w) => w.code)).toContain('SKUS_DERIVED')
    expect(warnings.find((w) => w.code === 'SKUS_DERIVED')?.message).toMatch(
      /^1 Shopify variant has no Variant SKU/,
    )
  })

  it('makes SKUs of a Shopify export without Variant SKU values from handle and options', async () => {
    const importer = await importerOn(kind)
    const csv = [
      'Handle,Title,Body (HTML),Published,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Image Src,Status',
      'wool-socks,Wool Socks,<p>Warm.</p>,TRUE,Size,S,,4,8.00,https://cdn.example.com/s.jpg,active',
      'wool-socks,,,,,M,,6,8.50,,',
      'plain-bag,Plain Bag,,TRUE,Title,Default Title,,1,20.00,,archived',
    ].join('\n')
    const { summary } = await runImport(importer, bytes(csv))
    expect(summary).toMatchObject({ platform: 'shopify', created: 3, invalid: 0 })
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'plain-bag', name: 'Plain Bag', price: '20.00', active: false },
      {
        sku: 'wool-socks-m',
        name: 'Wool Socks - M',
        description: '<p>Warm.</p>',
        price: '8.50',
        quantity: 6,
      },
      { sku: 'wool-socks-s', name: 'Wool Socks - S', price: '8.00', quantity: 4, active: true },
    ])
  })

  it('imports a WooCommerce export: regular price, drafts inactive, variations grouped by parent, weight in grams, the first category', async () => {
    const importer = await importerOn(kind)
    const { summary, errors, warnings } = await runImport(importer, fixture('woocommerce.csv'))
    expect(errors).toEqual([])
    // The beanie is in "Clothing > Accessories, Sale": a product has one category path.
    expect(warnings).toContainEqual({
      code: 'CATEGORIES_FIRST_KEPT',
      message:
        '1 row lists several categories: the first of each is kept (a product has one category path)',
    })
    expect(summary).toMatchObject({ platform: 'woocommerce', rows: 5, created: 5 })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'woo-beanie',
        category: 'Clothing > Accessories',
        images: ['https://woo.example.com/beanie.jpg'],
        weightGrams: 200,
        name: 'Beanie',
        description: 'This is a simple product.',
        price: '20.00',
        quantity: 40,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'woo-hoodie',
        category: 'Clothing > Hoodies',
        name: 'Hoodie',
        description: 'This is a variable product.',
        price: null,
        quantity: 0,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'woo-hoodie-blue',
        group: 'woo-hoodie',
        name: 'Hoodie - Blue',
        description: '',
        price: '45.00',
        quantity: 7,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'woo-hoodie-red',
        group: 'woo-hoodie',
        name: 'Hoodie - Red',
        description: '',
        price: '42.50',
        quantity: 0,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'woo-scarf',
        name: 'Scarf',
        description: 'Still a draft.',
        price: '12.00',
        quantity: 5,
        active: false,
      },
    ])
  })

  it('imports Magento default rows only: four-decimal numbers read, store views skipped with one warning', async () => {
    const importer = await importerOn(kind)
    const { summary, errors, warnings } = await runImport(importer, fixture('magento.csv'))
    expect(summary).toMatchObject({
      platform: 'magento',
      rows: 3,
      created: 2,
      invalid: 1,
      skipped: 3,
    })
    // The watch's price loses money at two decimals: its row is refused, and its store-view row
    // (a German name, no price) does not stand in for it.
    expect(errors).toMatchObject([{ line: 6, sku: '24-WG02', column: 'price', value: '92.1250' }])
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: '24-MB01',
        category: 'Default Category > Gear > Bags',
        name: 'Joust Duffle Bag',
        description: '<p>The sporty Joust Duffle Bag.</p>',
        price: '34.00',
        quantity: 100,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: '24-MB04',
        category: 'Default Category > Gear > Bags',
        name: 'Strive Shoulder Pack',
        description: '<p>Convenience is next to nothing.</p>',
        price: '32.50',
        quantity: 99999,
        active: false,
      },
    ])
    const skippedWarnings = warnings.filter((w) => w.code === 'ROWS_SKIPPED')
    expect(skippedWarnings).toHaveLength(1)
    expect(skippedWarnings[0]!.message).toMatch(/^skipped 3 store-view rows/)
  })

  it('imports a PrestaShop file: semicolons, decimal commas, Reference # as SKU, Active (0/1)', async () => {
    const importer = await importerOn(kind)
    const { summary, errors } = await runImport(importer, fixture('prestashop.csv'))
    expect(errors).toEqual([])
    expect(summary).toMatchObject({ platform: 'prestashop', created: 2 })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'demo_12',
        brand: 'Studio Design',
        category: 'Home Accessories',
        tags: ['mug', 'coffee'],
        images: ['https://shop.example.com/img/mug.jpg'],
        name: 'Mug The best is yet to come',
        description: '<p>Add an optimistic touch to your morning coffee.</p>',
        price: '11.90',
        quantity: 300,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'demo_6',
        brand: 'Graphic Corner',
        category: 'Art',
        name: 'Affiche encadrée',
        description: '<p>Impression sur papier rigide.</p>',
        price: '1229.00',
        quantity: -3,
        active: false,
      },
    ])
  })

  it('imports an Odoo export: Internal Reference, Sales Price with decimal commas; 100,125 stays an error', async () => {
    const importer = await importerOn(kind)
    const { summary, errors } = await runImport(importer, fixture('odoo.csv'))
    expect(summary).toMatchObject({ platform: 'odoo', created: 2, invalid: 1 })
    expect(errors).toMatchObject([{ line: 4, sku: 'FURN_5555', column: 'price', value: '100,125' }])
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'E-COM12',
        category: 'All > Saleable > Office Furniture',
        name: 'Conference Chair',
        description: 'Steel frame, black seat.',
        price: '33.00',
        quantity: 26,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'FURN_0789',
        category: 'All > Saleable > Office Furniture',
        name: 'Office Desk',
        description: '',
        price: '1250.50',
        quantity: 4,
        active: true,
      },
    ])
  })

  it('imports an Akeneo flat export in en_US and EUR, or in the locale and currency asked for', async () => {
    const importer = await importerOn(kind)
    const first = await runImport(importer, fixture('akeneo.csv'))
    expect(first.summary).toMatchObject({ platform: 'akeneo', created: 2 })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'AKN-1000',
        category: 'master_men_shoes',
        weightGrams: 800,
        name: 'Running shoe',
        description: 'Comfortable running shoe.',
        price: '89.90',
        quantity: 0,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'AKN-1001',
        category: 'master_accessories',
        name: 'Socks',
        description: 'Warm socks.',
        price: '9.00',
        quantity: 0,
        active: false,
      },
    ])
    await runImport(importer, fixture('akeneo.csv'), { currency: 'USD', locale: 'de_DE' })
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'AKN-1000', name: 'Laufschuh', description: 'Bequemer Laufschuh.', price: '99.00' },
      { sku: 'AKN-1001', name: 'Socken', description: 'Warme Socken.', price: '10.50' },
    ])
    await expect(
      runImport(importer, fixture('akeneo.csv'), { currency: 'GBP' }),
    ).rejects.toMatchObject({
      code: 'MAPPING_INVALID',
      message: expect.stringContaining('it has: EUR, USD'),
    })
    await expect(
      runImport(importer, fixture('akeneo.csv'), { locale: 'fr_FR' }),
    ).rejects.toMatchObject({
      code: 'MAPPING_INVALID',
      message: 'the file has no locale "fr_FR"; it has: de_DE, en_US',
    })
  })

  it('maps any other file with the columns option, over the aliases', async () => {
    const importer = await importerOn(kind)
    const csv = 'Item No,Article,Price,Unit Price,Stock level\nX-1,Lamp,99.00,12.50,3\n'
    const { summary } = await runImport(importer, bytes(csv), {
      columns: { sku: 'Item No', name: 'article', price: 'Unit Price', quantity: 'Stock Level' },
    })
    expect(summary).toMatchObject({ platform: 'generic', created: 1, invalid: 0 })
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'X-1', name: 'Lamp', price: '12.50', quantity: 3 },
    ])
  })

  it('refuses a mapping that names a column the file lacks, listing its headers, writing nothing', async () => {
    const importer = await importerOn(kind)
    await expect(
      runImport(importer, bytes('Item No,Article\nX-1,Lamp\n'), {
        columns: { sku: 'Item Number' },
      }),
    ).rejects.toMatchObject({
      code: 'MAPPING_INVALID',
      message:
        'the mapping gives sku the column "Item Number", which the file does not have; its headers are: Item No, Article',
      details: { headers: ['Item No', 'Article'] },
    })
    expect(await importer.products.count()).toBe(0)
  })

  it('refuses a mapping that gives one column to two fields, or names no column', async () => {
    const importer = await importerOn(kind)
    const file = 'Item No,Article\nX-1,Lamp\n'
    await expect(
      runImport(importer, bytes(file), { columns: { sku: 'Item No', name: 'item_no' } }),
    ).rejects.toMatchObject({
      code: 'MAPPING_INVALID',
      message: expect.stringContaining('both sku and name'),
    })
    await expect(runImport(importer, bytes(file), { columns: { sku: ' ' } })).rejects.toMatchObject(
      {
        code: 'MAPPING_INVALID',
      },
    )
    expect(await importer.products.count()).toBe(0)
  })

  it('reads prices as shops write them and refuses those that would lose money', async () => {
    const importer = await importerOn(kind)
    const csv = [
      'sku;name;price;quantity',
      'P-1;Euro;12,50 €;1',
      'P-2;Dollar;$1,234.50;1',
      'P-3;Zeros;10.0000;2.0000',
      'P-4;Grouped;1.234,5;-7',
      'P-5;Too fine;10.125;1',
      'P-6;Ambiguous;1,000;1',
      'P-7;Fraction;1;2.5',
    ].join('\n')
    const { errors } = await runImport(importer, bytes(csv))
    expect(errors.map((e) => [e.sku, e.column])).toEqual([
      ['P-5', 'price'],
      ['P-6', 'price'],
      ['P-7', 'quantity'],
    ])
    expect(errors[1]!.message).toContain('set the decimal option')
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'P-1', price: '12.50' },
      { sku: 'P-2', price: '1234.50' },
      { sku: 'P-3', price: '10.00', quantity: 2 },
      { sku: 'P-4', price: '1234.50', quantity: -7 },
    ])
    await runImport(importer, bytes('sku,name,price\nP-6,Ambiguous,"1,000"\n'), { decimal: '.' })
    expect((await importer.products.getBySku('P-6'))?.price).toBe('1000.00')
  })

  it('makes a NUL byte in a cell an error of that row alone', async () => {
    const importer = await importerOn(kind)
    const { summary, errors } = await runImport(importer, bytes('sku,name\nA-1,La\0mp\nA-2,Mug\n'))
    expect(summary).toMatchObject({ status: 'completed', created: 1, invalid: 1 })
    expect(errors).toMatchObject([
      {
        line: 2,
        sku: 'A-1',
        column: 'name',
        value: 'La\\0mp',
        message: 'the cell contains a NUL byte',
      },
    ])
    expect(await allProducts(importer)).toMatchObject([{ sku: 'A-2', name: 'Mug' }])
  })
})

it('still refuses a file full of NUL bytes as binary', async () => {
  const importer = await importerOn('sqlite')
  const file = Buffer.from('sku,name\nA-1,Lamp\n'.split('').join('\0'), 'latin1')
  await expect(runImport(importer, bytes(file))).rejects.toMatchObject({
    code: 'MALFORMED_CSV',
    message: expect.stringContaining('binary'),
  })
})

it('reports the detected platform in the header event before any row', async () => {
  const importer = await importerOn('sqlite')
  const events = []
  for await (const event of importProducts(fixture('magento.csv'), { storage: importer.storage })) {
    events.push(event)
  }
  expect(events[0]).toMatchObject({
    type: 'header',
    header: {
      platform: 'magento',
      delimiter: ',',
      columns: expect.arrayContaining([{ header: 'qty', field: 'quantity' }]),
    },
  })
})

it('reads Akeneo weights in grams through their unit, and refuses a unit it does not know', async () => {
  const importer = await importerOn('sqlite')
  const csv = [
    'sku;enabled;family;name-en_US;weight;weight-unit',
    'K-1;1;shoes;Boot;1.25;KILOGRAM',
    'P-1;1;shoes;Sandal;1;POUND',
    'S-1;1;shoes;Clog;2;STONE',
  ].join('\n')
  const { summary, errors } = await runImport(importer, bytes(csv))
  expect(summary).toMatchObject({ platform: 'akeneo', created: 2, invalid: 1 })
  expect(errors).toMatchObject([{ sku: 'S-1', column: 'weight_grams', value: '2 STONE' }])
  expect(await allProducts(importer)).toMatchObject([
    { sku: 'K-1', weightGrams: 1250 },
    { sku: 'P-1', weightGrams: 454 },
  ])
})
