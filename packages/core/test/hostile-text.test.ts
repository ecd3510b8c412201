import { describe, expect, it } from 'vitest'
import { allProducts, bytes, runImport, tempImporter } from './helpers.js'

// Each looks like "A-1" or like nothing at all, and is not.
const LOOKALIKE_SKUS: [string, string][] = [
  ['right-to-left mark', 'A-1\u200F'],
  ['left-to-right override', '\u202DA-1'],
  ['zero-width space only', '\u200B'],
  ['zero-width joiner inside', 'A\u200D-1'],
  ['byte order mark inside', 'A\uFEFF-1'],
  ['soft hyphen', 'A\u00AD-1'],
  ['line separator', 'A\u2028-1'],
  ['tab', 'A\t-1'],
  ['escape', 'A-1\u001B'],
  ['C1 control', 'A-1\u0085'],
]

async function csvExport(
  importer: Awaited<ReturnType<typeof tempImporter>>,
  options: { neutralizeFormulas?: boolean } = {},
  filter = {},
): Promise<string> {
  let csv = ''
  for await (const chunk of importer.products.exportCsv(filter, options)) csv += chunk
  return csv
}

describe('text that looks the same but is not', () => {
  it.each(LOOKALIKE_SKUS)('refuses a SKU with a %s through the SDK', async (_, sku) => {
    const importer = await tempImporter()
    await expect(importer.products.create({ sku, name: 'Lamp' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(
        /^sku: sku must not contain .* \(U\+[0-9A-F]{4}, character \d+\)$/,
      ),
    })
    await importer.products.create({ sku: 'A-1', name: 'Lamp' })
    const id = (await importer.products.getBySku('A-1'))!.id
    await expect(importer.products.update(id, { sku })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    expect(await importer.products.count()).toBe(1)
  })

  it('refuses the same SKUs in a CSV file, one row error each, and keeps the product they mimic', async () => {
    const importer = await tempImporter()
    await importer.products.create({ sku: 'A-1', name: 'Lamp' })
    const csv = `sku,name\n${LOOKALIKE_SKUS.map(([, sku]) => `"${sku}",Fake`).join('\n')}\nB-1,Real\n`
    const { summary, errors } = await runImport(importer, bytes(csv))
    expect(summary).toMatchObject({ created: 1, invalid: LOOKALIKE_SKUS.length })
    expect(errors.map((e) => e.column)).toEqual(LOOKALIKE_SKUS.map(() => 'sku'))
    for (const [index, error] of errors.entries()) {
      const sku = LOOKALIKE_SKUS[index]![1]
      const direct = await importer.products.create({ sku, name: 'x' }).catch((e: Error) => e)
      // The CSV row and the SDK give the same reason.
      expect((direct as Error).message).toBe(`sku: ${error.message}`)
    }
    expect((await allProducts(importer)).map((p) => [p.sku, p.name])).toEqual([
      ['A-1', 'Lamp'],
      ['B-1', 'Real'],
    ])
  })

  it('refuses half of a surrogate pair in any text given to the SDK', async () => {
    const importer = await tempImporter()
    for (const input of [
      { sku: 'A-\uD800', name: 'Lamp' },
      { sku: 'A-1', name: 'Lamp \uDC00' },
      { sku: 'A-1', name: 'Lamp', description: 'broken \uD83D here' },
    ]) {
      await expect(importer.products.create(input)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('half of a surrogate pair'),
      })
    }
    expect(await importer.products.count()).toBe(0)
  })

  it('refuses control characters in names and descriptions but keeps tab, newline and a CRLF description', async () => {
    const importer = await tempImporter()
    await expect(
      importer.products.create({ sku: 'A-1', name: 'Lamp\u0007' }),
    ).rejects.toMatchObject({ message: expect.stringContaining('control character (U+0007') })
    await expect(
      importer.products.create({ sku: 'A-1', name: 'Lamp', description: 'x\u001B[31m' }),
    ).rejects.toMatchObject({ message: expect.stringContaining('U+001B') })
    await expect(
      importer.products.create({ sku: 'A-1', name: 'Lamp\r\nTwo' }),
    ).rejects.toMatchObject({ message: expect.stringContaining('U+000D') })
    const csv =
      'sku,name,description\n' +
      'C-1,"Bell\u0007",x\n' +
      'C-2,Ok,"del\u007F"\n' +
      'C-3,"Tab\there","line one\r\nline two\ttabbed"\n' +
      'C-4,"Two\nlines",plain\n'
    const { summary, errors } = await runImport(importer, bytes(csv))
    expect(summary).toMatchObject({ created: 2, invalid: 2 })
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'name'],
      [3, 'description'],
    ])
    expect((await allProducts(importer)).map((p) => [p.name, p.description])).toEqual([
      ['Tab\there', 'line one\r\nline two\ttabbed'],
      ['Two\nlines', 'plain'],
    ])
    // Invisible characters that are not controls stay allowed outside SKUs.
    const named = await importer.products.create({ sku: 'D-1', name: 'Family 👨\u200D👩\u200D👧' })
    expect(named.name).toBe('Family 👨\u200D👩\u200D👧')
  })

  it('matches nothing with a filter holding a character no product text can hold', async () => {
    const importer = await tempImporter()
    await importer.products.create({ sku: 'A-1', name: 'Lamp' })
    await importer.products.create({ sku: 'B-1', name: 'Mug' })
    for (const filter of [
      { name: '\0' },
      { sku: 'A\u0001' },
      { q: '\uD800' },
      { description: '\u001F' },
    ]) {
      expect(await importer.products.list(filter)).toMatchObject({ items: [], total: 0 })
      expect(await importer.products.count(filter)).toBe(0)
      expect(await csvExport(importer, {}, filter)).toBe(
        'sku,name,description,price,quantity,active,barcode,brand,category,tags,images,compare_at_price,weight_grams,group\n',
      )
    }
    expect((await importer.products.list({ name: 'Lamp' })).total).toBe(1)
  })
})

describe('the formula guard of the safe export', () => {
  it('keeps a leading apostrophe the user typed in an ordinary file', async () => {
    const importer = await tempImporter()
    const csv = "sku,name,description\n'=A-1,'=literal,'-5 degrees\nB-1,'@home,'plain\n"
    await runImport(importer, bytes(csv))
    expect((await allProducts(importer)).map((p) => [p.sku, p.name, p.description])).toEqual([
      ["'=A-1", "'=literal", "'-5 degrees"],
      ['B-1', "'@home", "'plain"],
    ])
  })

  it('marks the safe export with a formula_guard column and round-trips every text exactly', async () => {
    const source = await tempImporter()
    const texts = [
      '=1+1',
      "'=typed",
      "''twice",
      "'plain",
      '-minus',
      '+plus',
      '@at',
      'plain',
      "it's",
    ]
    for (const [i, text] of texts.entries()) {
      await source.products.create({
        sku: i === 0 ? text : `S-${i}`,
        name: text,
        description: text,
      })
    }
    const safe = await csvExport(source, { neutralizeFormulas: true })
    const lines = safe.split('\n')
    expect(lines[0]).toBe(
      'sku,name,description,price,quantity,active,barcode,brand,category,tags,images,compare_at_price,weight_grams,group,formula_guard',
    )
    // No cell starts with a character a spreadsheet would run.
    expect(safe).not.toMatch(/(^|,)"?[=+\-@]/m)
    expect(lines).toContain("S-2,'''twice,'''twice,,0,true,,,,,,,,")
    const target = await tempImporter()
    const { summary } = await runImport(target, bytes(safe))
    expect(summary).toMatchObject({ created: texts.length, invalid: 0 })
    expect(await allProducts(target)).toEqual(await allProducts(source))
  })

  it('refuses text in the guarded form in a plain export, which could be a safe one cut short', async () => {
    const source = await tempImporter()
    for (const [i, text] of ["'=typed", "''twice", "'plain", '=1+1'].entries()) {
      await source.products.create({ sku: `S-${i}`, name: text })
    }
    const target = await tempImporter()
    const { summary, errors, warnings } = await runImport(target, bytes(await csvExport(source)))
    expect(summary).toMatchObject({ created: 2, invalid: 2 })
    expect(errors.map((e) => [e.sku, e.column, e.value])).toEqual([
      ['S-0', 'name', "'=typed"],
      ['S-1', 'name', "''twice"],
    ])
    expect(warnings.map((w) => w.code)).toEqual(['FORMULA_GUARD_MISSING'])
    expect((await allProducts(target)).map((p) => p.name)).toEqual(["'plain", '=1+1'])
  })
})
