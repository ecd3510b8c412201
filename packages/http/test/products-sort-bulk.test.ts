import { describe, expect, it } from 'vitest'
import { type Json, jsonInit, startServer, type TestServer } from './_server.js'

async function seed(t: TestServer): Promise<void> {
  const rows = [
    { sku: 'B-2', name: 'banana', price: '3.00', quantity: 5, active: true },
    { sku: 'a-1', name: 'Apple', price: '10.50', quantity: 1, active: false },
    { sku: 'C-3', name: 'cherry', price: '0.99', quantity: 9, active: true },
    { sku: 'D-4', name: 'Date', price: '7.25', quantity: 3, active: false },
  ]
  for (const row of rows) await t.importer.products.create(row)
}

async function skus(t: TestServer, query: string): Promise<string[]> {
  const res = await t.api(`/api/products/?${query}`)
  expect(res.status).toBe(200)
  return ((await res.json()) as Json).items.map((p: Json) => p.sku)
}

describe('product list sorting', () => {
  it('sorts by sku, name, price, quantity and last update, either way', async () => {
    const t = await startServer()
    await seed(t)
    expect(await skus(t, 'sort=sku')).toEqual(['a-1', 'B-2', 'C-3', 'D-4'])
    expect(await skus(t, 'sort=-sku')).toEqual(['D-4', 'C-3', 'B-2', 'a-1'])
    expect(await skus(t, 'sort=price')).toEqual(['C-3', 'B-2', 'D-4', 'a-1'])
    expect(await skus(t, 'sort=-price')).toEqual(['a-1', 'D-4', 'B-2', 'C-3'])
    expect(await skus(t, 'sort=quantity')).toEqual(['a-1', 'D-4', 'B-2', 'C-3'])
    expect(await skus(t, 'sort=-quantity')).toEqual(['C-3', 'B-2', 'D-4', 'a-1'])
    // Letter case does not split the order: Apple, banana, cherry, Date.
    expect(await skus(t, 'sort=name')).toEqual(['a-1', 'B-2', 'C-3', 'D-4'])
    expect(await skus(t, 'sort=-name')).toEqual(['D-4', 'C-3', 'B-2', 'a-1'])
    const product = await t.importer.products.getBySku('B-2')
    await t.api(`/api/products/${product?.id}/`, jsonInit('PATCH', { quantity: 6 }))
    expect((await skus(t, 'sort=-updated_at'))[0]).toBe('B-2')
    expect((await skus(t, 'sort=updated_at')).at(-1)).toBe('B-2')
  })

  it('sorts within filters and pages, without a keyset cursor', async () => {
    const t = await startServer()
    await seed(t)
    expect(await skus(t, 'sort=sku&active=true')).toEqual(['B-2', 'C-3'])
    const page2 = (await (await t.api('/api/products/?sort=sku&page_size=3&page=2')).json()) as Json
    expect(page2.items.map((p: Json) => p.sku)).toEqual(['D-4'])
    const page1 = (await (await t.api('/api/products/?sort=sku&page_size=3')).json()) as Json
    expect(page1.next_cursor).toBeNull()
  })

  it('lists products without a price last, sorting by price either way', async () => {
    const t = await startServer()
    await seed(t)
    await t.importer.products.create({ sku: 'E-5', name: 'éclair' })
    await t.importer.products.create({ sku: 'F-6', name: 'Ärger', price: '1.00' })
    expect(await skus(t, 'sort=price')).toEqual(['C-3', 'F-6', 'B-2', 'D-4', 'a-1', 'E-5'])
    expect(await skus(t, 'sort=-price')).toEqual(['a-1', 'D-4', 'B-2', 'F-6', 'C-3', 'E-5'])
    expect(await skus(t, 'sort=name')).toEqual(['a-1', 'F-6', 'B-2', 'C-3', 'D-4', 'E-5'])
  })

  it('refuses a sort field it does not know', async () => {
    const t = await startServer()
    const res = await t.api('/api/products/?sort=description')
    expect(res.status).toBe(400)
    expect(((await res.json()) as Json).error.code).toBe('VALIDATION_FAILED')
  })
})

describe('bulk changes', () => {
  it('deletes the products with the given ids and leaves the rest', async () => {
    const t = await startServer()
    await seed(t)
    const a = await t.importer.products.getBySku('a-1')
    const b = await t.importer.products.getBySku('B-2')
    const res = await t.api(
      '/api/products/bulk/',
      jsonInit('POST', { action: 'delete', ids: [a?.id, b?.id] }),
    )
    expect(await res.json()).toEqual({ deleted: 2, not_found: [] })
    expect(await skus(t, 'sort=sku')).toEqual(['C-3', 'D-4'])
  })

  it('sets active or inactive on every product matching a filter, counting only changes', async () => {
    const t = await startServer()
    await seed(t)
    const on = await t.api(
      '/api/products/bulk/',
      jsonInit('POST', { action: 'activate', filter: { q: 'a' } }),
    )
    // a-1 (Apple), B-2 (banana) and D-4 (Date) match "a"; a-1 and D-4 were inactive.
    expect(await on.json()).toEqual({ changed: 2, not_found: [] })
    expect(await t.importer.products.count({ active: false })).toBe(0)
    const off = await t.api(
      '/api/products/bulk/',
      jsonInit('POST', { action: 'deactivate', all: true }),
    )
    expect(await off.json()).toEqual({ changed: 4, not_found: [] })
    expect(await t.importer.products.count({ active: true })).toBe(0)
  })

  it('deletes every product matching a filter', async () => {
    const t = await startServer()
    await seed(t)
    const res = await t.api(
      '/api/products/bulk/',
      jsonInit('POST', { action: 'delete', filter: { active: 'false' } }),
    )
    expect(await res.json()).toEqual({ deleted: 2, not_found: [] })
    expect(await skus(t, 'sort=sku')).toEqual(['B-2', 'C-3'])
  })

  it('refuses a body naming both ids and filter, neither, an unknown action or a bad id, and changes nothing', async () => {
    const t = await startServer()
    await seed(t)
    for (const body of [
      { action: 'delete', ids: [], filter: {} },
      { action: 'delete', ids: [], filter: { q: 'a' } },
      { action: 'delete', filter: { q: 'a' }, all: true },
      { action: 'delete', ids: [] },
      { action: 'delete' },
      { action: 'archive', filter: {} },
      { action: 'delete', ids: ['not-a-uuid'] },
    ]) {
      const res = await t.api('/api/products/bulk/', jsonInit('POST', body))
      expect(res.status).toBe(400)
      expect(((await res.json()) as Json).error.code).toBe('VALIDATION_FAILED')
    }
    expect(await t.importer.products.count()).toBe(4)
  })
})
