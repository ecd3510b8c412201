import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, workdir } from './_cli.js'

/** The stored products as the CLI exports them: `sku,name,price` lines, sorted. */
async function products(dir: string): Promise<string[]> {
  const { stdout } = await cli(['export', '--db', 'shop.db'], dir)
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) =>
      line
        .split(',')
        .slice(0, 4)
        .filter((_, i) => i !== 2)
        .join(','),
    )
    .sort()
}

describe('product-importer import: remembered mappings', () => {
  it('remembers a --map mapping and maps the next file with the same header by itself', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'a.csv'), 'Item No,Title,Unit Price\nA-1,Lamp,1.50\n')
    writeFileSync(join(dir, 'b.csv'), 'Item No,Title,Unit Price\nB-2,Mug,2.00\n')
    const mapped = await cli(
      ['import', 'a.csv', '--db', 'shop.db', '--map', 'sku=Item No', '--map', 'price=Unit Price'],
      dir,
    )
    expect(mapped.code).toBe(0)
    expect(mapped.stderr).toContain('remembered the column mapping')

    const next = await cli(['import', 'b.csv', '--db', 'shop.db'], dir)
    expect(next.code).toBe(0)
    expect(next.stderr).toContain('columns mapped as remembered for this header: sku="Item No"')
    expect(await products(dir)).toEqual(['A-1,Lamp,1.50', 'B-2,Mug,2.00'])
  })

  it('with --no-remember neither saves nor applies a mapping', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'a.csv'), 'Item No,Title\nA-1,Lamp\n')
    const first = await cli(
      ['import', 'a.csv', '--db', 'shop.db', '--map', 'sku=Item No', '--no-remember'],
      dir,
    )
    expect(first.code).toBe(0)
    const second = await cli(['import', 'a.csv', '--db', 'shop.db'], dir)
    expect(second.stderr).toContain('MISSING_SKU_COLUMN')
    expect(second.code).not.toBe(0)

    await cli(['import', 'a.csv', '--db', 'shop.db', '--map', 'sku=Item No'], dir)
    const ignored = await cli(['import', 'a.csv', '--db', 'shop.db', '--no-remember'], dir)
    expect(ignored.stderr).toContain('MISSING_SKU_COLUMN')
  })
})
