import { importRow, productRecord } from '@product-importer/adapter-tests'
import { pgStorage } from '@product-importer/storage-pg'
import { describe, expect, it } from 'vitest'
import { createSchema, createTarget, PG_URL, waitFor } from './_pg.js'

const tableTotals = async (raw: (sql: string) => Promise<Record<string, unknown>[]>) => {
  const [row] = await raw('select count(*) as n, count(*) filter (where active) as a from products')
  return [Number(row?.n), Number(row?.a)]
}

describe.skipIf(!PG_URL)('postgres product totals', () => {
  it('counts the products a database held before it was migrated', async () => {
    const schema = await createSchema()
    try {
      const first = pgStorage({ connectionString: schema.url })
      await first.migrate()
      await first.insertProduct(productRecord({ active: true }))
      await first.insertProduct(productRecord({ active: false }))
      await first.close()
      // As on a database migrated before the totals existed: no triggers, no totals.
      await schema.raw('drop table product_totals cascade')
      await schema.raw(
        `drop trigger products_totals_insert on products;
         drop trigger products_totals_delete on products;
         drop trigger products_totals_update on products;
         drop trigger products_totals_truncate on products;`,
      )
      await schema.raw(
        "delete from product_importer_migrations where name = 'postgres_0007_product_totals'",
      )
      await schema.raw(`insert into products (id, sku, sku_key, name, name_key, description,
        price_cents, quantity, active, created_at, updated_at)
        values ('x-1', 'X-1', 'x-1', 'X', 'x', '', null, 0, true, now(), now())`)
      const storage = pgStorage({ connectionString: schema.url })
      await storage.migrate()
      expect(await storage.countProducts()).toBe(3)
      expect(await storage.countProducts({ active: true })).toBe(2)
      await storage.close()
    } finally {
      await schema.drop()
    }
  })

  it('folds many small changes into one row and stays exact meanwhile', async () => {
    const t = await createTarget()
    await t.storage.migrate()
    try {
      for (let i = 0; i < 300; i++) {
        await t.storage.insertProduct(productRecord({ active: i % 3 === 0 }))
      }
      const pieces = async () =>
        Number((await t.raw('select count(*) as n from product_totals'))[0]?.n)
      expect(await pieces()).toBeGreaterThan(256)
      expect(await t.storage.countProducts()).toBe(300)
      await waitFor(async () => (await pieces()) <= 2)
      expect(await t.storage.countProducts()).toBe(300)
      expect(await t.storage.countProducts({ active: true })).toBe(100)
      expect(await tableTotals(t.raw)).toEqual([300, 100])
    } finally {
      await t.close()
    }
  })

  it('stays exact while imports, single writes and folds run at once', async () => {
    const t = await createTarget()
    await t.storage.migrate()
    const other = pgStorage({ connectionString: t.url })
    try {
      const imports = [0, 1].map(async (n) => {
        const writer = await t.storage.openImportWriter({ dryRun: false })
        for (let b = 0; b < 10; b++) {
          // Overlapping SKUs: the two imports update each other's products and flip `active`.
          await writer.write(
            Array.from({ length: 50 }, (_, i) =>
              importRow(`S-${b}-${i}`, { name: `P ${i}`, active: (i + n + b) % 2 === 0 }),
            ),
          )
        }
        await writer.close()
      })
      const singles = (async () => {
        for (let i = 0; i < 100; i++) {
          const record = await other.insertProduct(productRecord({ active: true }))
          if (i % 2) await other.deleteProducts([record.id])
          await other.countProducts()
        }
      })()
      await Promise.all([...imports, singles])
      const [all, active] = await tableTotals(t.raw)
      expect(await t.storage.countProducts()).toBe(all)
      expect(await other.countProducts({ active: true })).toBe(active)
      await t.raw('truncate products')
      expect(await t.storage.countProducts()).toBe(0)
    } finally {
      await other.close()
      await t.close()
    }
  })
})
