import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { createProductImporter, importProducts } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { PG_URL } from './_pg.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A fresh database of its own, whose public schema already has the host's `products`. */
async function hostDatabase(): Promise<{ url: string; client: pg.Client }> {
  const name = `host_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client(PG_URL)
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  const client = new pg.Client(url.toString())
  await client.connect()
  cleanups.push(async () => {
    await client.end()
    await admin.query(`drop database ${name} with (force)`)
    await admin.end()
  })
  await client.query('create table products (id serial primary key, title text not null)')
  await client.query(`insert into products (title) values ('the host''s own')`)
  return { url: url.toString(), client }
}

describe.skipIf(!PG_URL)('pgStorage({ schema })', () => {
  it("keeps every table in its schema, beside the host's own products table", async () => {
    const { url, client } = await hostDatabase()
    const storage = pgStorage({ connectionString: url, schema: 'catalog' })
    cleanups.push(() => storage.close())
    const csv = Readable.from(['sku,name,price\nA-1,Lamp,9.90\nB-2,Mug,4.50\n'])
    const summary = await importProducts(csv, { storage }).result()
    expect(summary).toMatchObject({ status: 'completed', created: 2 })

    // Read back through raw SQL, not through the adapter under test.
    const mine = await client.query('select sku from catalog.products order by sku')
    expect(mine.rows).toEqual([{ sku: 'A-1' }, { sku: 'B-2' }])
    const host = await client.query('select id, title from public.products')
    expect(host.rows).toEqual([{ id: 1, title: "the host's own" }])
    const publicTables = await client.query(
      "select table_name from information_schema.tables where table_schema = 'public'",
    )
    expect(publicTables.rows).toEqual([{ table_name: 'products' }])
    const migrations = await client.query(
      "select count(*)::int as n from information_schema.tables where table_schema = 'catalog' and table_name like 'product_importer_migrations%'",
    )
    expect(migrations.rows[0].n).toBe(2)

    // Another instance on the same schema sees the catalog, and migrating again is a no-op.
    const other = createProductImporter({
      storage: pgStorage({ connectionString: url, schema: 'catalog' }),
    })
    cleanups.push(() => other.close())
    expect((await other.products.getBySku('a-1'))?.price).toBe('9.90')
  })

  it('refuses a schema it cannot set, saying why', () => {
    expect(() => pgStorage({ connectionString: PG_URL, schema: 'cat; drop' })).toThrow(
      /plain identifier/,
    )
    const pool = new pg.Pool({ connectionString: PG_URL })
    cleanups.push(() => pool.end())
    expect(() => pgStorage({ pool, schema: 'catalog' })).toThrow(/search_path=catalog,public/)
  })
})
