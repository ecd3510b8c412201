import { importRow } from '@product-importer/adapter-tests'
import { createProductImporter, type ImportRow } from '@product-importer/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTarget, PG_URL } from './_pg.js'

type Target = Awaited<ReturnType<typeof createTarget>>

const SKUS = Array.from({ length: 3000 }, (_, i) => `C-${String(i).padStart(5, '0')}`)

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Writes `rows` in batches of 250 through one writer of its own. */
async function importRows(target: Target, rows: ImportRow[]) {
  const writer = await target.storage.openImportWriter({ dryRun: false })
  const totals = { created: 0, updated: 0, unchanged: 0 }
  try {
    for (let i = 0; i < rows.length; i += 250) {
      const result = await writer.write(rows.slice(i, i + 250))
      totals.created += result.created
      totals.updated += result.updated
      totals.unchanged += result.unchanged
    }
  } finally {
    await writer.close()
  }
  return totals
}

const row = importRow

describe.skipIf(!PG_URL)('postgres concurrent imports', () => {
  let target: Target
  beforeEach(async () => {
    target = await createTarget()
    await target.storage.migrate()
  })
  afterEach(() => target.close())

  it('lets two imports on overlapping SKUs both finish, each SKU as one of the files says', async () => {
    // A writes SKUs 0..1999, B writes 1000..2999, in different orders, at the same time.
    const a = shuffled(SKUS.slice(0, 2000), 1).map((sku) =>
      row(sku, { name: `A ${sku}`, quantity: 1, priceCents: 100 }),
    )
    const b = shuffled(SKUS.slice(1000), 2).map((sku) =>
      row(sku, { name: `B ${sku}`, quantity: 2, priceCents: 200 }),
    )
    const [ra, rb] = await Promise.all([importRows(target, a), importRows(target, b)])

    expect(ra.created + rb.created).toBe(3000)
    expect(ra.created + ra.updated + ra.unchanged).toBe(2000)
    expect(rb.created + rb.updated + rb.unchanged).toBe(2000)
    const stored = await target.raw('SELECT sku, name, quantity, price_cents FROM products')
    expect(stored).toHaveLength(3000)
    for (const p of stored) {
      const n = Number(String(p.sku).slice(2))
      const fromA = { sku: p.sku, name: `A ${p.sku}`, quantity: 1, price_cents: '100' }
      const fromB = { sku: p.sku, name: `B ${p.sku}`, quantity: 2, price_cents: '200' }
      if (n < 1000) expect(p).toEqual(fromA)
      else if (n >= 2000) expect(p).toEqual(fromB)
      else expect([fromA, fromB]).toContainEqual(p)
    }
  })

  it('keeps both changes when concurrent imports give different columns of the same products', async () => {
    await importRows(
      target,
      SKUS.map((sku) => row(sku, { name: 'old', quantity: 0, description: 'old' })),
    )
    const names = shuffled(SKUS, 3).map((sku) => row(sku, { name: `N ${sku}` }))
    const quantities = shuffled(SKUS, 4).map((sku) => row(sku, { quantity: 7 }))
    const [rn, rq] = await Promise.all([importRows(target, names), importRows(target, quantities)])

    expect(rn).toEqual({ created: 0, updated: 3000, unchanged: 0 })
    expect(rq).toEqual({ created: 0, updated: 3000, unchanged: 0 })
    const stored = await target.raw('SELECT sku, name, quantity, description FROM products')
    expect(stored).toHaveLength(3000)
    for (const p of stored) {
      expect(p).toEqual({ sku: p.sku, name: `N ${p.sku}`, quantity: 7, description: 'old' })
    }
  })

  it('lets a chunked bulk change and an import of the same products both finish, without a deadlock', {
    timeout: 120_000,
  }, async () => {
    // Two chunks of a bulk change (5,000 products each at most).
    const skus = Array.from({ length: 6_000 }, (_, i) => `BULK-${String(i).padStart(5, '0')}`)
    // Stored in another order than their SKUs, so that ids and sku_key disagree.
    await importRows(
      target,
      shuffled(skus, 3).map((sku) => row(sku, { name: `Old ${sku}` })),
    )
    // The import below is the first to rewrite the loaded products, the slow one (20 to 30 s
    // here, with or without a bulk change beside it), so the two overlap from start to end.
    const importer = createProductImporter({ storage: target.storage })
    const [bulk, imported] = await Promise.all([
      importer.products.setActive({ all: true }, false),
      importRows(
        target,
        shuffled(skus, 4).map((sku) => row(sku, { name: `New ${sku}` })),
      ),
    ])
    expect(bulk).toEqual({ count: 6_000, notFound: [] })
    expect(imported).toEqual({ created: 0, updated: 6_000, unchanged: 0 })
    // The rows give no `active`: each product keeps the bulk change's value and the new name.
    const stored = await target.raw(
      "SELECT count(*)::int AS n FROM products WHERE NOT active AND name LIKE 'New %'",
    )
    expect(stored).toEqual([{ n: 6_000 }])
  })
})
