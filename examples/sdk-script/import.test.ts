import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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
  it('imports the shipped sample with the documented command, reporting the bad row and the repeated SKU', async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-sdk-'))
    const db = join(dir, 'shop.db')
    // As the README says: from the repository's root.
    const { stdout } = await run(
      process.execPath,
      ['examples/sdk-script/import.mjs', 'examples/sample_products.csv', db],
      { cwd: join(import.meta.dirname, '..', '..'), timeout: 30_000 },
    )
    expect(stdout).toMatch(/^completed\s+14 rows/m)
    expect(stdout).toContain(
      'created 12, updated 0, unchanged 0, invalid 1, repeated in the file 1',
    )
    expect(stdout).toMatch(/line 16: price must be a number/)
    expect(stdout).toContain('12 products; newest:')

    const importer = createProductImporter({ storage: sqliteStorage({ filename: db }) })
    try {
      const lamp = await importer.products.getBySku('SKU-0000003-757')
      expect(lamp).toMatchObject({ name: 'Modern Cotton Desk Lamp (restocked)', quantity: 300 })
    } finally {
      await importer.close()
    }
  })

  it('says why a file could not be imported, and exits 1', async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-sdk-'))
    const failed = await run(
      process.execPath,
      [join(import.meta.dirname, 'import.mjs'), join(dir, 'missing.csv'), join(dir, 'shop.db')],
      { timeout: 30_000 },
    ).catch((error: { code: number; stderr: string }) => error)
    expect(failed).toMatchObject({ code: 1 })
    expect((failed as { stderr: string }).stderr).toMatch(
      /failed: SOURCE_FAILED: cannot read .*missing\.csv/,
    )
  })
})
