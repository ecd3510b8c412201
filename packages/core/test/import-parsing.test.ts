import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { allProducts, bytes, NO_CATALOG_FIELDS, runImport, tempImporter } from './helpers.js'

const HEADER = 'sku,name,description,price,quantity\n'

describe('importProducts: reading CSV', () => {
  it('imports the sample file of the older product', async () => {
    const importer = await tempImporter()
    const { summary } = await runImport(
      importer,
      bytes(
        `${HEADER}SKU001,Wireless Headphones,High-quality Bluetooth,79.99,150\nSKU002,USB-C Cable,Durable 2-meter cable,12.99,500\n`,
      ),
    )
    expect(summary).toMatchObject({
      status: 'completed',
      rows: 2,
      created: 2,
      updated: 0,
      invalid: 0,
    })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'SKU001',
        name: 'Wireless Headphones',
        description: 'High-quality Bluetooth',
        price: '79.99',
        quantity: 150,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'SKU002',
        name: 'USB-C Cable',
        description: 'Durable 2-meter cable',
        price: '12.99',
        quantity: 500,
        active: true,
      },
    ])
  })

  it('strips a UTF-8 BOM and reads CRLF line endings', async () => {
    const importer = await tempImporter()
    const { summary } = await runImport(
      importer,
      bytes('\uFEFFsku,name,price\r\nA-1,Lamp,5\r\nA-2,Mug,6\r\n'),
    )
    expect(summary.created).toBe(2)
    expect((await allProducts(importer)).map((p) => [p.sku, p.name, p.price])).toEqual([
      ['A-1', 'Lamp', '5.00'],
      ['A-2', 'Mug', '6.00'],
    ])
  })

  it.each([
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('detects a %s delimiter', async (_, d) => {
    const importer = await tempImporter()
    const { summary } = await runImport(
      importer,
      bytes(`sku${d}name${d}price\nA-1${d}Lamp, big${d}1.50\n`),
    )
    expect(summary.created).toBe(1)
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'A-1', name: 'Lamp, big', price: '1.50' },
    ])
  })

  it('keeps commas, quotes and newlines inside quoted fields, and counts lines across them', async () => {
    const importer = await tempImporter()
    const text = `${HEADER}A-1,"Lamp, ""Deluxe""","line one\nline two, with comma",5,1\nA-2,Mug,,oops,2\n`
    const { summary, errors } = await runImport(importer, bytes(text))
    expect(summary).toMatchObject({ created: 1, invalid: 1 })
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'A-1', name: 'Lamp, "Deluxe"', description: 'line one\nline two, with comma' },
    ])
    expect(errors).toEqual([
      {
        line: 4,
        sku: 'A-2',
        column: 'price',
        value: 'oops',
        message: expect.stringMatching(/price/),
      },
    ])
  })

  it('accepts a stray quote inside an unquoted field, as in 27" Monitor', async () => {
    const importer = await tempImporter()
    await runImport(importer, bytes('sku,name\nM-27,27" Monitor\n'))
    expect(await allProducts(importer)).toMatchObject([{ sku: 'M-27', name: '27" Monitor' }])
  })

  it('matches header aliases whatever their case and spacing', async () => {
    const importer = await tempImporter()
    const { summary, warnings } = await runImport(
      importer,
      bytes(' Product SKU ;TITLE;Qty;Unit_Price;Status\nA-1;Lamp;3;9.99;inactive\n'),
    )
    expect(summary.created).toBe(1)
    expect(warnings).toEqual([])
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'A-1', name: 'Lamp', quantity: 3, price: '9.99', active: false },
    ])
  })

  it('maps Stock to quantity and Enabled to active, and takes extra aliases', async () => {
    const importer = await tempImporter()
    await runImport(importer, bytes('Artikelnummer,Title,Stock,Enabled\nA-1,Lamp,7,no\n'), {
      headerAliases: { artikelnummer: 'sku' },
    })
    expect(await allProducts(importer)).toMatchObject([{ sku: 'A-1', quantity: 7, active: false }])
  })

  it('ignores unknown columns with one warning naming them', async () => {
    const importer = await tempImporter()
    const { summary, warnings } = await runImport(
      importer,
      bytes('sku,name,color,weight\nA-1,Lamp,red,2kg\n'),
    )
    expect(summary.created).toBe(1)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ code: 'UNKNOWN_COLUMNS', columns: ['color', 'weight'] })
  })

  it('fails before writing anything when there is no sku column', async () => {
    const importer = await tempImporter()
    await expect(runImport(importer, bytes('code_name,title\nA-1,Lamp\n'))).rejects.toMatchObject({
      code: 'MISSING_SKU_COLUMN',
      message: expect.stringContaining('no sku column'),
    })
    expect(await importer.products.count()).toBe(0)
  })

  it('completes a header-only file with zero rows and a warning', async () => {
    const importer = await tempImporter()
    const { summary, warnings } = await runImport(importer, bytes('sku,name,price\n'))
    expect(summary).toMatchObject({ status: 'completed', rows: 0, created: 0 })
    expect(warnings.map((w) => w.code)).toEqual(['NO_ROWS'])
  })

  it('rejects an empty file with a clear error', async () => {
    const importer = await tempImporter()
    await expect(runImport(importer, bytes(''))).rejects.toMatchObject({ code: 'EMPTY_FILE' })
    await expect(runImport(importer, bytes('\uFEFF  \n'))).rejects.toMatchObject({
      code: 'EMPTY_FILE',
    })
  })

  it('rejects binary garbage and UTF-16 with clear errors, writing nothing', async () => {
    const importer = await tempImporter()
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)
    await expect(runImport(importer, bytes(garbage))).rejects.toMatchObject({
      code: expect.stringMatching(/MALFORMED_CSV|INVALID_ENCODING/),
    })
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('sku,name\nA,B\n', 'utf16le'),
    ])
    await expect(runImport(importer, bytes(utf16))).rejects.toMatchObject({
      code: 'INVALID_ENCODING',
      message: expect.stringContaining('UTF-16'),
    })
    expect(await importer.products.count()).toBe(0)
  })

  it('names the byte offset of invalid UTF-8', async () => {
    const importer = await tempImporter()
    const prefix = Buffer.from('sku,name\nA-1,Caf')
    const file = Buffer.concat([prefix, Buffer.from([0xe9]), Buffer.from('\n')]) // Latin-1 é
    await expect(runImport(importer, bytes(file))).rejects.toMatchObject({
      code: 'INVALID_ENCODING',
      message: expect.stringContaining(`byte offset ${prefix.length}`),
      details: { offset: prefix.length },
    })
  })

  it('decodes Windows-1252 when asked', async () => {
    const importer = await tempImporter()
    const file = Buffer.concat([
      Buffer.from('sku,name\nA-1,Caf'),
      Buffer.from([0xe9, 0x20, 0x80]),
      Buffer.from('\n'),
    ])
    await runImport(importer, bytes(file), { encoding: 'windows-1252' })
    expect(await allProducts(importer)).toMatchObject([{ name: 'Café €' }])
  })

  it('keeps a multi-byte character split across two chunks', async () => {
    const importer = await tempImporter()
    const text = Buffer.from('sku,name\nA-1,Grüße 😀\n')
    const cut = text.indexOf(0x9f) // inside the emoji
    async function* split() {
      yield text.subarray(0, cut)
      yield text.subarray(cut)
    }
    await runImport(importer, split())
    expect(await allProducts(importer)).toMatchObject([{ name: 'Grüße 😀' }])
  })

  it('fails on a quote that is never closed, naming the line, keeping earlier batches', async () => {
    const importer = await tempImporter()
    const text = 'sku,name\nA-1,Lamp\nA-2,Mug\nA-3,"Open\nA-4,Chair\n'
    await expect(runImport(importer, bytes(text), { batchSize: 2 })).rejects.toMatchObject({
      code: 'MALFORMED_CSV',
      message: expect.stringContaining('line 4'),
    })
    expect((await allProducts(importer)).map((p) => p.sku)).toEqual(['A-1', 'A-2'])
  })

  it('reports a row with more fields than the header', async () => {
    const importer = await tempImporter()
    const { errors, summary } = await runImport(
      importer,
      bytes('sku,name\nA-1,Lamp,extra\nA-2,Mug,\n'),
    )
    expect(summary).toMatchObject({ created: 1, invalid: 1 })
    expect(errors[0]).toMatchObject({ line: 2, message: expect.stringContaining('3 fields') })
  })

  it('reads every kind of source: path, Readable, web ReadableStream, string chunks', async () => {
    const { writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tempDir } = await import('./helpers.js')
    const csv = 'sku,name\nA-1,Lamp\n'
    const file = join(tempDir(), 'p.csv')
    writeFileSync(file, csv)
    const sources = [
      file,
      Readable.from([Buffer.from(csv)]),
      new Response(csv).body!,
      (async function* () {
        yield 'sku,name\n'
        yield 'A-1,Lamp\n'
      })(),
    ]
    for (const source of sources) {
      const importer = await tempImporter()
      const { summary } = await runImport(importer, source)
      expect(summary.created).toBe(1)
    }
  })

  it('gives the same result on the worker thread and inline', async () => {
    const text = `${HEADER}A-1,Lamp,x,1,1\na-1,Lamp 2,,2,\nB-1,,,3,3\nC-1,Chair,,bad,1\n`
    const results = []
    for (const worker of [true, false]) {
      const importer = await tempImporter()
      const outcome = await runImport(importer, bytes(text), { worker })
      results.push({
        ...outcome.summary,
        durationMs: 0,
        errors: outcome.errors,
        products: await allProducts(importer),
      })
    }
    expect(results[0]).toEqual(results[1])
  })
})
