import { importProducts } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { allProducts, bytes, NO_CATALOG_FIELDS, runImport, tempImporter } from './helpers.js'

describe('importProducts: what gets written', () => {
  it('keeps the last row of a SKU seen twice in one file in another letter case', async () => {
    const importer = await tempImporter()
    const { summary } = await runImport(
      importer,
      bytes('sku,name,price\nABC-1,First,1\nabc-1,Second,2\nAbc-1,Third,3\n'),
    )
    expect(summary).toMatchObject({ rows: 3, created: 1, duplicatesInFile: 2, invalid: 0 })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'Abc-1',
        name: 'Third',
        description: '',
        price: '3.00',
        quantity: 0,
        active: true,
      },
    ])
  })

  it('treats STRASSE and straße as one SKU', async () => {
    const importer = await tempImporter()
    const { summary } = await runImport(importer, bytes('sku,name\nSTRASSE,Road\nstraße,Street\n'))
    expect(summary).toMatchObject({ created: 1, duplicatesInFile: 1 })
    expect(await allProducts(importer)).toMatchObject([{ sku: 'straße', name: 'Street' }])
  })

  it('keeps the last row of a SKU repeated in a later batch, counting it once as a duplicate', async () => {
    const importer = await tempImporter()
    const rows = [
      'sku,name,price',
      'A-1,Lamp,1',
      'B-1,Mug,2',
      'C-1,Cup,3',
      'a-1,Lamp v2,4',
      'D-1,Jar,5',
    ]
    const { summary } = await runImport(importer, bytes(`${rows.join('\n')}\n`), { batchSize: 2 })
    expect(summary).toMatchObject({ rows: 5, created: 4, updated: 0, duplicatesInFile: 1 })
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'a-1', name: 'Lamp v2', price: '4.00' },
      { sku: 'B-1' },
      { sku: 'C-1' },
      { sku: 'D-1' },
    ])
  })

  it('applies the last row against the database and leaves absent columns unchanged', async () => {
    const importer = await tempImporter()
    await runImport(
      importer,
      bytes(
        'sku,name,description,price,quantity,active\nA-1,Lamp,Bright,10,5,true\nB-1,Mug,Blue,3,9,true\n',
      ),
    )
    const { summary } = await runImport(importer, bytes('SKU,Price\na-1,12.50\nB-1,3\n'))
    expect(summary).toMatchObject({ updated: 1, unchanged: 1, created: 0 })
    expect(await allProducts(importer)).toEqual([
      {
        ...NO_CATALOG_FIELDS,
        sku: 'a-1',
        name: 'Lamp',
        description: 'Bright',
        price: '12.50',
        quantity: 5,
        active: true,
      },
      {
        ...NO_CATALOG_FIELDS,
        sku: 'B-1',
        name: 'Mug',
        description: 'Blue',
        price: '3.00',
        quantity: 9,
        active: true,
      },
    ])
  })

  it('treats an empty cell as "not given", keeping the stored value', async () => {
    const importer = await tempImporter()
    await runImport(importer, bytes('sku,name,price,quantity\nA-1,Lamp,10,5\n'))
    await runImport(importer, bytes('sku,name,price,quantity\nA-1,,,7\n'))
    expect(await allProducts(importer)).toMatchObject([
      { name: 'Lamp', price: '10.00', quantity: 7 },
    ])
  })

  it('merges rows of one SKU field by field, as if applied one after the other', async () => {
    const importer = await tempImporter()
    await runImport(importer, bytes('sku,name,price,quantity\nA-1,Lamp,10,\na-1,,,4\n'))
    expect(await allProducts(importer)).toMatchObject([
      { sku: 'a-1', name: 'Lamp', price: '10.00', quantity: 4 },
    ])
  })

  it('rejects a new product without a name and imports the rest', async () => {
    const importer = await tempImporter()
    const { summary, errors } = await runImport(
      importer,
      bytes('sku,name,price\nA-1,,5\nB-1,Mug,6\n'),
    )
    expect(summary).toMatchObject({ rows: 2, created: 1, invalid: 1 })
    expect(errors).toEqual([
      {
        line: 2,
        sku: 'A-1',
        column: 'name',
        value: null,
        message: expect.stringContaining('name'),
      },
    ])
    expect((await allProducts(importer)).map((p) => p.sku)).toEqual(['B-1'])
  })

  it('reports every invalid value with its line, column and value, and imports the valid rows', async () => {
    const importer = await tempImporter()
    const text = [
      'sku,name,price,quantity,active',
      'P-1,Ok,12.50,1,yes',
      'P-2,Bad price,abc,1,yes',
      'P-3,Negative,-1,1,yes',
      'P-4,Three places,12.345,1,yes',
      'P-5,Comma,"1,50",1,yes',
      'P-6,Half,1,1.5,yes',
      'P-7,Word,1,many,yes',
      'P-8,Active?,1,1,maybe',
      ',No sku,1,1,yes',
      `${'S'.repeat(101)},Long sku,1,1,yes`,
      `P-9,${'n'.repeat(256)},1,1,yes`,
    ].join('\n')
    const { summary, errors } = await runImport(importer, bytes(text))
    expect(summary).toMatchObject({ rows: 11, created: 1, invalid: 10 })
    expect(errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [3, 'price', 'abc'],
      [4, 'price', '-1'],
      [5, 'price', '12.345'],
      [6, 'price', '1,50'],
      [7, 'quantity', '1.5'],
      [8, 'quantity', 'many'],
      [9, 'active', 'maybe'],
      [10, 'sku', ''],
      [11, 'sku', 'S'.repeat(101)],
      [12, 'name', 'n'.repeat(256)],
    ])
    for (const error of errors) expect(error.message.length).toBeGreaterThan(5)
    expect((await allProducts(importer)).map((p) => p.sku)).toEqual(['P-1'])
  })

  it('stops at the first invalid row when asked, keeping the rows before it', async () => {
    const importer = await tempImporter()
    const text = 'sku,name,price\nA-1,Lamp,1\nA-2,Mug,bad\nA-3,Cup,3\n'
    await expect(runImport(importer, bytes(text), { onRowError: 'abort' })).rejects.toMatchObject({
      code: 'ROW_INVALID',
      details: { line: 3, summary: { status: 'failed', created: 1, invalid: 1 } },
    })
    expect((await allProducts(importer)).map((p) => p.sku)).toEqual(['A-1'])
  })

  it('reports exactly what a dry run would do and writes nothing', async () => {
    const importer = await tempImporter()
    await runImport(importer, bytes('sku,name,price\nA-1,Lamp,1\nB-1,Mug,2\n'))
    const text = 'sku,name,price\nA-1,Lamp,1\nb-1,Mug,9\nC-1,Cup,3\nc-1,Cup,3\nD-1,,4\nE-1,Jar,x\n'
    const before = await allProducts(importer)
    const dry = await runImport(importer, bytes(text), { dryRun: true, batchSize: 3 })
    expect(dry.summary).toMatchObject({
      status: 'completed',
      dryRun: true,
      rows: 6,
      created: 1,
      updated: 1,
      unchanged: 1,
      invalid: 2,
      duplicatesInFile: 1,
    })
    expect(await allProducts(importer)).toEqual(before)
    const real = await runImport(importer, bytes(text), { batchSize: 3 })
    expect({ ...real.summary, dryRun: true, durationMs: 0, bytesRead: 0 }).toEqual({
      ...dry.summary,
      durationMs: 0,
      bytesRead: 0,
    })
  })

  it('stops between batches when aborted and says so in the summary', async () => {
    const importer = await tempImporter()
    const lines = ['sku,name']
    for (let i = 0; i < 5000; i++) lines.push(`S-${i},Product ${i}`)
    const controller = new AbortController()
    let batches = 0
    const summary = await importProducts(bytes(`${lines.join('\n')}\n`), {
      storage: importer.storage,
      batchSize: 1000,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'importing' && ++batches === 2) controller.abort()
      },
    }).result()
    expect(summary).toMatchObject({ status: 'cancelled', rows: 2000, created: 2000 })
    expect(await importer.products.count()).toBe(2000)
  })

  it('cancels at once while the source has gone quiet, as a stalled upload does', async () => {
    const importer = await tempImporter()
    let wake!: () => void
    const quiet = new Promise<void>((resolve) => {
      wake = resolve
    })
    async function* stalled() {
      yield 'sku,name\nA-1,Lamp\n'
      await quiet
      yield 'A-2,Mug\n'
    }
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const started = Date.now()
    const summary = await importProducts(stalled(), {
      storage: importer.storage,
      signal: controller.signal,
    }).result()
    wake()
    expect(summary.status).toBe('cancelled')
    expect(Date.now() - started).toBeLessThan(5000)
    expect(await importer.products.count()).toBe(0)
  })

  it('lets go of what it has read when it may be cancelled', async () => {
    // A signal makes every read wait on the source or the signal, whichever comes first; that
    // wait must not keep the chunks read so far alive (an upload of hundreds of MB).
    const importer = await tempImporter()
    const notes = 'n'.repeat(20_000) // an unknown column: parsed, then ignored
    let chunks = 0
    async function* source() {
      yield 'sku,name,notes\n'
      for (; chunks < 100; chunks++) {
        let text = ''
        for (let i = 0; i < 50; i++) text += `S-${chunks}-${i},Product,${notes}\n`
        yield Buffer.from(text)
      }
    }
    let peak = 0
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers)
    }, 10)
    try {
      const summary = await importProducts(source(), {
        storage: importer.storage,
        signal: new AbortController().signal,
      }).result()
      expect(summary).toMatchObject({ status: 'completed', rows: 5000, created: 5000 })
    } finally {
      clearInterval(sampler)
    }
    // The source yields 100 MB in 1 MB chunks.
    expect(peak).toBeLessThan(40 * 1024 * 1024)
  })

  it('reports progress after every batch, with bytes, rows and speed', async () => {
    const importer = await tempImporter()
    const lines = ['sku,name']
    for (let i = 0; i < 250; i++) lines.push(`S-${i},Product ${i}`)
    const text = `${lines.join('\n')}\n`
    const seen: number[] = []
    const summary = await importProducts(bytes(text), {
      storage: importer.storage,
      batchSize: 100,
      bytesTotal: Buffer.byteLength(text),
      onProgress: (p) => seen.push(p.rows),
    }).result()
    expect(seen).toEqual([100, 200, 250, 250])
    expect(summary).toMatchObject({ rows: 250, created: 250, bytesRead: Buffer.byteLength(text) })
  })

  it('ends a batch early when its rows are wide, keeping transactions and memory small', async () => {
    const importer = await tempImporter()
    const wide = 'd'.repeat(20_000)
    const lines = ['sku,name,description']
    for (let i = 0; i < 250; i++) lines.push(`W-${i},Wide ${i},${wide}`)
    const seen: number[] = []
    await importProducts(bytes(`${lines.join('\n')}\n`), {
      storage: importer.storage,
      onProgress: (p) => seen.push(p.rows),
    }).result()
    expect(seen).toEqual([200, 250, 250])
    expect(await importer.products.count()).toBe(250)
  })

  it('round-trips export then import into an empty database', async () => {
    const source = await tempImporter()
    const text = [
      'sku,name,description,price,quantity,active,brand,category,tags,images,barcode,compare_at_price,weight_grams,group',
      'A-1,"Lamp, ""big""","multi\nline",10.5,3,true,Acme,Home > Lighting,"lamp, =desk",https://cdn.example.com/a.jpg,4006381333931,12.99,1500,LAMPS',
      '=HYPERLINK(1),@formula,-minus,0,0,false,=Brand,,"-tag, two",,,,,',
      'Straße-9, spaced ,,,7,true,,,,,,,,',
      'X-2,Ünïcödé 😀,"  lead",99999.99,2147483647,no,Ünï,A>B,"ü, 😀","https://a.example/x.png, http://b.example/y?a=1%2C2",978-3-16,0,0,LAMPS',
    ].join('\n')
    await runImport(source, bytes(text))
    for (const neutralizeFormulas of [false, true]) {
      let csv = ''
      for await (const chunk of source.products.exportCsv({}, { neutralizeFormulas })) csv += chunk
      expect(csv.split('\n')[0]).toBe(
        `sku,name,description,price,quantity,active,barcode,brand,category,tags,images,compare_at_price,weight_grams,group${neutralizeFormulas ? ',formula_guard' : ''}`,
      )
      if (neutralizeFormulas) expect(csv).toContain("'=HYPERLINK(1)")
      const target = await tempImporter()
      const { summary } = await runImport(target, bytes(csv))
      expect(summary).toMatchObject({ created: 4, invalid: 0 })
      expect(await allProducts(target)).toEqual(await allProducts(source))
    }
  })
})
