import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, workdir } from './_cli.js'

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? ''

describe('product-importer CLI: import, export, migrate', () => {
  it('imports a file into ./data by default and prints the summary as JSON last', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'p.csv'), 'sku,name,price\nA-1,Lamp,1\nA-2,Mug,nope\na-1,Lamp 2,2\n')
    const result = await cli(['import', 'p.csv', '--json'], dir)
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, 'data/products.db'))).toBe(true)
    expect(JSON.parse(lastLine(result.stdout))).toMatchObject({
      status: 'completed',
      rows: 3,
      created: 1,
      updated: 0,
      invalid: 1,
      duplicatesInFile: 1,
      durationMs: expect.any(Number),
    })
    expect(result.stderr).toContain('line 3: price:')
    expect(result.stderr).toContain('"nope"')
  })

  it('prints plain progress lines when not on a terminal, and a readable summary', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'p.csv'), 'sku,name\nA-1,Lamp\n')
    const result = await cli(['import', 'p.csv', '--db', 'shop.db'], dir)
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^progress: .*1 rows/m)
    expect(result.stdout).toContain('completed: 1 rows')
  })

  it('exits non-zero with a clear message on a fatal error', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'p.csv'), 'name,price\nLamp,1\n')
    const result = await cli(['import', 'p.csv', '--db', 'shop.db', '--json'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('MISSING_SKU_COLUMN')
    expect(JSON.parse(lastLine(result.stdout))).toMatchObject({
      status: 'failed',
      error: { code: 'MISSING_SKU_COLUMN' },
    })
    const missing = await cli(['import', 'nope.csv', '--db', 'shop.db'], dir)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope.csv')
  })

  it('writes nothing on --dry-run but reports what would change', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'p.csv'), 'sku,name\nA-1,Lamp\nA-2,Mug\n')
    const dry = await cli(['import', 'p.csv', '--db', 'shop.db', '--dry-run', '--json'], dir)
    expect(JSON.parse(lastLine(dry.stdout))).toMatchObject({ dryRun: true, created: 2 })
    const exported = await cli(['export', '--db', 'shop.db'], dir)
    expect(exported.stdout).toBe(
      'sku,name,description,price,quantity,active,barcode,brand,category,tags,images,compare_at_price,weight_grams,group\n',
    )
  })

  it('exports every product as CSV that imports back into an empty database unchanged', async () => {
    const dir = workdir()
    const csv =
      'sku,name,description,price,quantity,active\nA-1,"Lamp, big","two\nlines",10.50,3,true\nB-2,Mug,,,0,false\n'
    writeFileSync(join(dir, 'p.csv'), csv)
    await cli(['import', 'p.csv', '--db', 'one.db'], dir)
    const out = await cli(['export', '--db', 'one.db', '--out', 'out.csv'], dir)
    expect(out.code).toBe(0)
    const exported = readFileSync(join(dir, 'out.csv'), 'utf8')
    expect(exported.split('\n')[0]).toBe(
      'sku,name,description,price,quantity,active,barcode,brand,category,tags,images,compare_at_price,weight_grams,group',
    )
    await cli(['import', 'out.csv', '--db', 'two.db'], dir)
    const again = await cli(['export', '--db', 'two.db'], dir)
    expect(again.stdout).toBe(exported)
    expect(exported).toContain('A-1,"Lamp, big","two\nlines",10.50,3,true,,,,,,,,')
    expect(exported).toContain('B-2,Mug,,,0,false,,,,,,,,')
  })

  it('creates the schema with migrate, and explains unknown commands and flags', async () => {
    const dir = workdir()
    const result = await cli(['migrate', '--db', 'm.db'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('schema up to date')
    expect(existsSync(join(dir, 'm.db'))).toBe(true)
    expect((await cli(['frobnicate'], dir)).stderr).toContain('Unknown command')
    const badFlag = await cli(['import', 'x.csv', '--nope'], dir)
    expect(badFlag.code).toBe(2)
    expect(badFlag.stderr).toContain('Usage: product-importer import')
  })

  it('gives a usage error for a numeric flag that is not a whole number in range, writing nothing', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'p.csv'), 'sku,name\nA-1,One\n')
    const cases: [string[], string][] = [
      [
        ['import', 'p.csv', '--db', 'x.db', '--batch-size', 'abc'],
        '--batch-size must be a whole number from 1 to 1000000, got "abc"',
      ],
      [['import', 'p.csv', '--db', 'x.db', '--batch-size', '0'], '--batch-size must be'],
      [['import', 'p.csv', '--db', 'x.db', '--batch-size', '2.5'], '--batch-size must be'],
      [
        ['serve', '--db', 'x.db', '--port', 'abc'],
        '--port must be a whole number from 0 to 65535, got "abc"',
      ],
      [['serve', '--db', 'x.db', '--port', '70000'], '--port must be'],
    ]
    for (const [args, message] of cases) {
      const result = await cli(args, dir)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(message)
      expect(result.stderr).toContain(`Usage: product-importer ${args[0]}`)
    }
    expect(existsSync(join(dir, 'x.db'))).toBe(false)
  })
})
