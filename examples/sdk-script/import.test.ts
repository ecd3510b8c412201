import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createProductImporter } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { afterEach, describe, expect, it } from 'vitest'

const run = promisify(execFile)
let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('examples/sdk-script', () => {
  it('imports the file, reports progress and row errors, and stores the products', async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-sdk-'))
    const csv = join(dir, 'sample_products.csv')
    writeFileSync(
      csv,
      'sku,name,description,price,quantity\nSKU001,Wireless Headphones,High-quality Bluetooth,79.99,150\nSKU002,USB-C Cable,Durable 2-meter cable,12.99,500\nSKU003,Broken,,cheap,1\n',
    )
    const db = join(dir, 'shop.db')
    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, 'import.mjs'), csv, db],
      {
        timeout: 30_000,
      },
    )
    expect(stdout).toMatch(/^completed\s+3 rows/m)
    expect(stdout).toContain('created 2, updated 0, unchanged 0, invalid 1')
    expect(stdout).toMatch(/line 4: price /)
    expect(stdout).toContain('2 products; newest:')

    const importer = createProductImporter({ storage: sqliteStorage({ filename: db }) })
    try {
      expect((await importer.products.getBySku('sku001'))?.price).toBe('79.99')
    } finally {
      await importer.close()
    }
  })
})
