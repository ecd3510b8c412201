import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createProductImporter } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterEach, describe, expect, inject, it } from 'vitest'

const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''
const run = promisify(execFile)
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe.skipIf(!PG_URL)('examples/postgres', () => {
  it('imports the file through one instance and follows it from another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'example-pg-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const csv = join(dir, 'sample_products.csv')
    writeFileSync(
      csv,
      'sku,name,description,price,quantity\nSKU001,Wireless Headphones,High-quality Bluetooth,79.99,150\nSKU002,USB-C Cable,Durable 2-meter cable,12.99,500\nSKU003,Broken,,cheap,1\n',
    )
    const database = `example_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client(PG_URL)
    await admin.connect()
    await admin.query(`create database ${database}`)
    cleanups.push(async () => {
      await admin.query(`drop database ${database} with (force)`)
      await admin.end()
    })
    const url = new URL(PG_URL)
    url.pathname = `/${database}`

    const { stdout } = await run(process.execPath, [join(import.meta.dirname, 'import.mjs'), csv], {
      env: { ...process.env, DATABASE_URL: url.toString(), SEARCH: 'cable' },
      timeout: 30_000,
    })
    expect(stdout).toContain('dry run: would create 2, update 0, keep 0')
    expect(stdout).toMatch(/^\[instance B\] completed\s+3 rows/m)
    expect(stdout).toContain('created 2, updated 0, unchanged 0, invalid 1')
    expect(stdout).toMatch(/line 4: price /)
    expect(stdout).toContain('2 products; newest:')
    expect(stdout).toContain('search: 1 found')

    const importer = createProductImporter({
      storage: pgStorage({ connectionString: url.toString() }),
    })
    try {
      expect((await importer.products.getBySku('sku002'))?.price).toBe('12.99')
    } finally {
      await importer.close()
    }
  })
})
