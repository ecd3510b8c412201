import { randomBytes } from 'node:crypto'
import { productRecord } from '@product-importer/adapter-tests'
import { createProductImporter, skuKey } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL } from './_pg.js'

// SQLite compares name keys by code point; a database whose collation is a language's (here
// ICU's root collation, which puts a letter like ø beside o) must sort names alike.
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

  it('orders names by code point, as SQLite does', async () => {
    const storage = pgStorage({ connectionString: url.toString() })
    const importer = createProductImporter({ storage })
    await storage.migrate()
    // By the root collation: øl, oz, pan. By code point, ø (U+00F8) comes after every ASCII
    // letter (the name key keeps it: it has no accent to drop).
    for (const [sku, name] of [
      ['P-1', 'pan'],
      ['O-1', 'Øl'],
      ['O-2', 'oz'],
    ] as const) {
      await storage.insertProduct(productRecord({ sku, skuKey: skuKey(sku), name }))
    }
    const names = async (sort: 'name' | '-name') =>
      (await importer.products.list({ sort })).items.map((p) => p.name)
    expect(await names('name')).toEqual(['oz', 'pan', 'Øl'])
    expect(await names('-name')).toEqual(['Øl', 'pan', 'oz'])
    await importer.close()
  })
})
