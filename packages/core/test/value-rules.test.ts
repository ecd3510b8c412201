import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SKU_LENGTH,
  type ProductImporter,
} from '@product-importer/core'
import { expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { allProducts, bytes, runImport } from './helpers.js'

// Characters outside the Basic Multilingual Plane: two UTF-16 units, one character each.
const EMOJI = '\u{1F600}'
const CJK_EXT = '\u{20000}'

async function exported(importer: ProductImporter, neutralizeFormulas = false): Promise<string> {
  let csv = ''
  for await (const chunk of importer.products.exportCsv({}, { neutralizeFormulas })) csv += chunk
  return csv
}

/**
 * The importer's database emptied, to import into as into a new one. (A second PostgreSQL
 * schema in the same database would do too, but Kysely's migrator then finds the first
 * schema's lock table and fails.)
 */
async function emptied(importer: ProductImporter): Promise<ProductImporter> {
  await importer.products.deleteAll()
  expect(await importer.products.count()).toBe(0)
  return importer
}

/**
 * The safe export without its `formula_guard` column, as `cut -d, -f1-6` or a spreadsheet
 * tidy-up leaves it: the column is the header's seventh cell, and rows leave it out.
 */
function withoutGuardColumn(csv: string): string {
  return csv.replace(/^([^\n]*),formula_guard\n/, '$1\n')
}

onBothStorages((kind) => {
  it('restores products with astral characters at the exact length limits from their own export', async () => {
    const source = await importerOn(kind)
    const atLimits = {
      sku: EMOJI.repeat(MAX_SKU_LENGTH),
      name: CJK_EXT.repeat(MAX_NAME_LENGTH),
      description: EMOJI.repeat(MAX_DESCRIPTION_LENGTH),
    }
    await source.products.create({ ...atLimits, price: '1.00' })
    await source.products.create({ sku: `X${EMOJI.repeat(50)}`, name: `N${EMOJI.repeat(200)}` })
    // One character more is refused, counted the same way.
    await expect(
      source.products.create({ sku: EMOJI.repeat(MAX_SKU_LENGTH + 1), name: 'Too long' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `sku: sku must be at most ${MAX_SKU_LENGTH} characters`,
    })
    const csv = await exported(source)
    const stored = await allProducts(source)
    expect(stored).toHaveLength(2)

    const again = await runImport(source, bytes(csv))
    expect(again.errors).toEqual([])
    expect(again.summary).toMatchObject({ created: 0, invalid: 0 })
    expect(await allProducts(source)).toEqual(stored)

    const empty = await emptied(source)
    const first = await runImport(empty, bytes(csv))
    expect(first.errors).toEqual([])
    expect(first.summary).toMatchObject({ created: 2, invalid: 0 })
    expect(await allProducts(empty)).toEqual(stored)

    const over = `sku,name\n${EMOJI.repeat(MAX_SKU_LENGTH + 1)},Lamp\n`
    expect((await runImport(empty, bytes(over))).errors).toMatchObject([
      { column: 'sku', message: `sku must be at most ${MAX_SKU_LENGTH} characters` },
    ])
  })

  it('refuses guarded-looking text in an export whose formula_guard column was cut off, and changes nothing', async () => {
    const source = await importerOn(kind)
    await source.products.create({ sku: '-RT3', name: '=1+1', description: "'quoted" })
    await source.products.create({ sku: 'PLAIN-1', name: 'Lamp', description: 'a lamp' })
    const safe = await exported(source, true)
    expect(safe).toContain("'-RT3,'=1+1,''quoted")
    const cut = withoutGuardColumn(safe)
    expect(cut.split('\n')[0]).toBe(
      'sku,name,description,price,quantity,active,barcode,brand,category,tags,images,compare_at_price,weight_grams,group',
    )

    const stored = await allProducts(source)
    for (const empty of [false, true]) {
      const target = empty ? await emptied(source) : source
      const before = await allProducts(target)
      const { summary, errors, warnings } = await runImport(target, bytes(cut))
      expect(summary).toMatchObject({ invalid: 1 })
      expect(errors.map((e) => [e.line, e.column, e.value])).toEqual([
        [2, 'sku', "'-RT3"],
        [2, 'name', "'=1+1"],
        [2, 'description', "''quoted"],
      ])
      expect(errors[0]!.message).toBe(
        `sku "'-RT3" starts as export --safe guards a formula (' before = + - @ or '), but the header has no formula_guard column to say so, and could as well mean "-RT3": put that last header column back to import "-RT3" (text meant to start so round-trips through export --safe)`,
      )
      expect(warnings).toMatchObject([{ code: 'FORMULA_GUARD_MISSING' }])
      const after = await allProducts(target)
      // No '-RT3 beside -RT3, no name '=1+1: the row is refused, the plain one imported.
      expect(after.map((p) => p.sku)).toEqual(
        before.length === 0 ? ['PLAIN-1'] : before.map((p) => p.sku),
      )
      if (before.length > 0) expect(after).toEqual(before)
    }

    // With the column put back, the same file restores every product exactly.
    const empty = await emptied(source)
    const restored = await runImport(empty, bytes(safe))
    expect(restored.summary).toMatchObject({ created: 2, invalid: 0 })
    expect(await allProducts(empty)).toEqual(stored)
  })

  it('reads 1.000 as one thousand where the file writes decimal commas, and flags it where it cannot tell', async () => {
    const importer = await importerOn(kind)
    const semicolons = ['sku;name;price;quantity', 'DE-1;Eins;1.000;1.000', 'DE-2;Zwei;12,50;2.500']
    const first = await runImport(importer, bytes(semicolons.join('\n')))
    expect(first.errors).toEqual([])
    const tabs = ['sku\tname\tprice\tquantity', 'T-1\tTab\t1.000\t1', 'T-2\tTab\t12,50\t2.500']
    const second = await runImport(importer, bytes(tabs.join('\n')))
    // Before any decimal comma the tab file cannot tell; after one it can.
    expect(second.errors).toMatchObject([
      { sku: 'T-1', column: 'price', message: expect.stringContaining('set the decimal option') },
    ])
    const dots = ['sku\tname\tprice\tquantity', 'D-1\tDot\t12.50\t1', 'D-2\tDot\t1.000\t1']
    expect((await runImport(importer, bytes(dots.join('\n')))).errors).toEqual([])
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'D-1', price: '12.50' },
      { sku: 'D-2', price: '1.00' },
      { sku: 'DE-1', price: '1000.00', quantity: 1000 },
      { sku: 'DE-2', price: '12.50', quantity: 2500 },
      { sku: 'T-2', price: '12.50', quantity: 2500 },
    ])
    await runImport(importer, bytes(tabs.join('\n')), { decimal: ',' })
    expect((await importer.products.getBySku('T-1'))?.price).toBe('1000.00')
  })

  it('keeps the leading whitespace of a description through the API and the import alike', async () => {
    const importer = await importerOn(kind)
    const markdown = '    indented code\n\n- item  '
    const created = await importer.products.create({
      sku: 'MD-1',
      name: ' Doc ',
      description: markdown,
    })
    expect(created).toMatchObject({ name: 'Doc', description: '    indented code\n\n- item' })
    const csv = `sku,name,description\nMD-2, Doc ,"${markdown}"\n`
    await runImport(importer, bytes(csv))
    expect(await importer.products.getBySku('MD-2')).toMatchObject({
      name: 'Doc',
      description: '    indented code\n\n- item',
    })
    const stored = await allProducts(importer)
    const csvOut = await exported(importer, true)
    const roundTrip = await emptied(importer)
    await runImport(roundTrip, bytes(csvOut))
    expect(await allProducts(roundTrip)).toEqual(stored)
  })

  it('says what is wrong with a huge price or quantity, and reads active as 0 or 1', async () => {
    const importer = await importerOn(kind)
    await expect(
      importer.products.create({ sku: 'P-1', name: 'Lamp', price: '1234567890123' }),
    ).rejects.toMatchObject({
      message: 'price: price is too large: at most 999999999999.99',
    })
    await expect(
      importer.products.create({ sku: 'P-1', name: 'Lamp', price: 1e21 }),
    ).rejects.toMatchObject({ message: 'price: price is too large: at most 999999999999.99' })
    await expect(
      importer.products.create({ sku: 'P-1', name: 'Lamp', quantity: 2 ** 53 - 1 }),
    ).rejects.toMatchObject({
      message: 'quantity: quantity must be between -2147483647 and 2147483647',
    })
    const off = await importer.products.create({ sku: 'P-1', name: 'Lamp', active: 0 as never })
    expect(off.active).toBe(false)
    const on = await importer.products.update(off.id, { active: 1 as never })
    expect(on.active).toBe(true)
    await expect(importer.products.update(off.id, { active: 2 as never })).rejects.toMatchObject({
      message: expect.stringMatching(/^active: active must be true or false/),
    })
    await expect(importer.products.update(off.id, { active: null as never })).rejects.toMatchObject(
      { message: expect.stringMatching(/^active: active must be true or false/) },
    )
    const { errors } = await runImport(
      importer,
      bytes('sku,name,price,quantity\nP-2,Mug,1234567890123,9007199254740991\n'),
    )
    expect(errors.map((e) => e.message)).toEqual([
      'price is too large: at most 999999999999.99',
      'quantity must be between -2147483647 and 2147483647',
    ])
  })

  it('says "reading the input failed" once when the source of a job breaks', async () => {
    const importer = await importerOn(kind)
    async function* broken() {
      yield Buffer.from('sku,name\nA-1,Lamp\n')
      throw new Error('the disk went away')
    }
    const job = await importer.imports.create()
    const summary = await importer.imports.run(job.id, broken())
    expect(summary.status).toBe('failed')
    expect((await importer.imports.get(job.id))?.error).toEqual({
      code: 'SOURCE_FAILED',
      message: 'reading the input failed: the disk went away',
    })
  })
})
