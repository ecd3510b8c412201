import { randomBytes } from 'node:crypto'
import { productRecord } from '@product-importer/adapter-tests'
import { createProductImporter, skuKey } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL } from './_pg.js'

// SQLite compares the sort keys by code point; a database whose collation is a language's (here
// ICU's root collation, which puts an accented letter beside its base letter) must sort alike.
describe.skipIf(!PG_URL)('postgres sorts in a database with a language collation', () => {
  const name = `sort_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client(PG_URL)
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  beforeAll(async () => {
    await admin.connect()
    await admin.query(`create database ${name} template template0 encoding 'UTF8'
      locale_provider icu icu_locale 'und' locale 'C'`)
  })
  afterAll(async () => {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  })

  it('orders SKUs and names by code point, as SQLite does', async () => {
    const storage = pgStorage({ connectionString: url.toString() })
    const importer = createProductImporter({ storage })
    await storage.migrate()
    // By the root collation: é-1, e-2, f-1 and øl, oz, pan. By code point, é (U+00E9) and
    // ø (U+00F8) come after every ASCII letter (name keys keep ø: it has no accent to drop).
    for (const [sku, name] of [
      ['f-1', 'pan'],
      ['é-1', 'Øl'],
      ['e-2', 'oz'],
    ] as const) {
      await storage.insertProduct(productRecord({ sku, skuKey: skuKey(sku), name }))
    }
    const skus = async (sort: 'sku' | 'name' | '-name') =>
      (await importer.products.list({ sort })).items.map((p) => p.sku)
    expect(await skus('sku')).toEqual(['e-2', 'f-1', 'é-1'])
    expect(await skus('name')).toEqual(['e-2', 'f-1', 'é-1'])
    expect(await skus('-name')).toEqual(['é-1', 'f-1', 'e-2'])
    await importer.close()
  })
})
