import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { databaseOn, onBothStorages, type StorageKind } from '../../core/test/both-storages.js'
import { type Json, jsonInit, SAMPLE_CSV, startServer, type TestServer } from './_server.js'

// What a mistake of a REST client can and cannot do (docs/reliability.md): a misspelled key, a
// blank filter, a misspelled flag or a count that moved never changes data in silence.

async function serverOn(kind: StorageKind): Promise<TestServer> {
  return startServer({}, { storage: (await databaseOn(kind))() })
}

async function seedLamps(t: TestServer, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await t.importer.products.create({ sku: `L-${randomUUID().slice(0, 8)}-${i}`, name })
  }
}

async function errorOf(res: Response, status: number): Promise<Json['error']> {
  expect(res.status).toBe(status)
  return ((await res.json()) as Json).error
}

const bulk = (t: TestServer, body: unknown) => t.api('/api/products/bulk/', jsonInit('POST', body))

const csvFile = (text: string) => new Blob([text], { type: 'text/csv' })

onBothStorages((kind) => {
  describe('unknown keys', () => {
    it('refuses a misspelled bulk filter, naming the key and the known keys, and deletes nothing', async () => {
      const t = await serverOn(kind)
      await seedLamps(t, ['Desk lamp', 'Floor lamp', 'Chair'])
      const error = await errorOf(
        await bulk(t, { action: 'delete', filter: { nmae: 'lamp' } }),
        400,
      )
      expect(error.code).toBe('VALIDATION_FAILED')
      expect(error.message).toContain('Unknown key "nmae"')
      expect(error.message).toContain('known keys: sku, name, description, q, active')
      expect(await t.importer.products.count()).toBe(3)
    })

    it('refuses unknown fields of products and webhooks and unknown query parameters', async () => {
      const t = await serverOn(kind)
      const created = await t.importer.products.create({ sku: 'A-1', name: 'Lamp', quantity: 5 })

      const qty = await errorOf(
        await t.api('/api/products/', jsonInit('POST', { sku: 'B-1', name: 'Bulb', qty: 3 })),
        400,
      )
      expect(qty.message).toContain('Unknown key "qty"')
      expect(await t.importer.products.getBySku('B-1')).toBeUndefined()

      const patch = await errorOf(
        await t.api(`/api/products/${created.id}/`, jsonInit('PATCH', { quantiy: 7 })),
        400,
      )
      expect(patch.message).toContain('Unknown key "quantiy"')
      const after = await t.importer.products.get(created.id)
      expect(after?.quantity).toBe(5)
      expect(after?.updatedAt).toEqual(created.updatedAt)

      const hook = await errorOf(
        await t.api(
          '/api/webhooks/',
          jsonInit('POST', { url: 'https://example.com/hook', events: ['product.created'] }),
        ),
        400,
      )
      expect(hook.message).toContain('Unknown key "events"')
      expect(hook.message).toContain('event_types')
      expect(await t.importer.webhooks.list()).toEqual([])

      const list = await errorOf(await t.api('/api/products/?nmae=lamp'), 400)
      expect(list.message).toContain('Unknown key "nmae"')
      const all = await errorOf(
        await t.api('/api/products/delete_all/?sku=A-1', { method: 'DELETE' }),
        400,
      )
      expect(all.message).toContain('"sku"')
      expect(await t.importer.products.count()).toBe(1)
    })
  })

  describe('bulk changes by filter', () => {
    it('refuses a filter that narrows nothing or holds a blank value unless "all" says so', async () => {
      const t = await serverOn(kind)
      await seedLamps(t, ['Desk lamp', 'Chair'])
      for (const filter of [{ q: '' }, { sku: '' }, { name: '   ' }]) {
        const error = await errorOf(await bulk(t, { action: 'delete', filter }), 400)
        expect(error.message).toContain('must not be blank')
      }
      for (const active of ['', ' ']) {
        const error = await errorOf(await bulk(t, { action: 'delete', filter: { active } }), 400)
        expect(error.message).toContain('filter.active: must be true/false')
      }
      expect((await errorOf(await t.api('/api/products/?active='), 400)).message).toContain(
        'active',
      )
      const empty = await errorOf(await bulk(t, { action: 'deactivate', filter: {} }), 400)
      expect(empty.message).toContain('all: true')
      expect(await t.importer.products.count()).toBe(2)
      expect(await t.importer.products.count({ active: true })).toBe(2)

      const res = await bulk(t, { action: 'delete', all: true })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ deleted: 2, not_found: [] })
      expect(await t.importer.products.count()).toBe(0)
    })

    it('changes only the products a page counted: as_of leaves newer ones out, expect refuses a moved count', async () => {
      const t = await serverOn(kind)
      await seedLamps(t, ['Desk lamp', 'Floor lamp', 'Wall lamp', 'Chair'])
      const page = (await (await t.api('/api/products/?q=lamp&page_size=1')).json()) as Json
      expect(page.total).toBe(3)
      // Someone else adds two lamps after the count was shown.
      await new Promise((resolve) => setTimeout(resolve, 5))
      await seedLamps(t, ['New lamp', 'New lamp'])

      const moved = await errorOf(
        await bulk(t, { action: 'delete', filter: { q: 'lamp' }, expect: 3 }),
        409,
      )
      expect(moved.code).toBe('SELECTION_CHANGED')
      expect(moved.details).toEqual({ reason: 'count', expected: 3, matching: 5 })
      expect(await t.importer.products.count({ q: 'lamp' })).toBe(5)

      const off = await bulk(t, {
        action: 'deactivate',
        filter: { q: 'lamp' },
        expect: 3,
        as_of: page.as_of,
      })
      expect(await off.json()).toEqual({ changed: 3, not_found: [] })
      expect(await t.importer.products.count({ q: 'lamp', active: false })).toBe(3)

      const res = await bulk(t, {
        action: 'delete',
        filter: { q: 'lamp' },
        expect: 3,
        as_of: page.as_of,
      })
      expect(await res.json()).toEqual({ deleted: 3, not_found: [] })
      const left = (await (await t.api('/api/products/?q=lamp')).json()) as Json
      expect(left.items.map((p: Json) => p.name)).toEqual(['New lamp', 'New lamp'])
    })

    it('names the ids that named no product', async () => {
      const t = await serverOn(kind)
      const kept = await t.importer.products.create({ sku: 'K-1', name: 'Kept' })
      const gone = await t.importer.products.create({ sku: 'G-1', name: 'Gone' })
      const ghost = randomUUID()
      const off = await bulk(t, { action: 'deactivate', ids: [kept.id, ghost] })
      expect(await off.json()).toEqual({ changed: 1, not_found: [ghost] })
      const res = await bulk(t, { action: 'delete', ids: [gone.id, ghost] })
      expect(await res.json()).toEqual({ deleted: 1, not_found: [ghost] })
      expect(await t.importer.products.count()).toBe(1)
    })
  })

  describe('flags and fields of an upload', () => {
    it('reads every spelling of a dry run as one, refuses a misspelled one, and writes nothing', async () => {
      const t = await serverOn(kind)
      for (const query of ['dry_run=True', 'dry_run=on', 'dry_run', 'dry_run=YES']) {
        const res = await t.api(`/api/import/?${query}`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: SAMPLE_CSV,
        })
        expect(res.status, query).toBe(202)
        expect(((await res.json()) as Json).dry_run, query).toBe(true)
      }
      const bad = await errorOf(
        await t.api('/api/import/?dry_run=tru', {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: SAMPLE_CSV,
        }),
        400,
      )
      expect(bad.message).toContain('dry_run')
      for (const value of ['yes', 'True', 'on']) {
        const form = new FormData()
        form.append('dry_run', value)
        form.append('file', csvFile(SAMPLE_CSV), 'products.csv')
        const res = await t.api('/api/import/', { method: 'POST', body: form })
        expect(res.status, value).toBe(202)
        expect(((await res.json()) as Json).dry_run, value).toBe(true)
      }
      const form = new FormData()
      form.append('dry_run', 'maybe')
      form.append('file', csvFile(SAMPLE_CSV), 'products.csv')
      expect(
        (await errorOf(await t.api('/api/import/', { method: 'POST', body: form }), 400)).message,
      ).toContain('dry_run')
      expect(await t.importer.products.count()).toBe(0)
      expect((await t.importer.imports.list()).filter((job) => !job.dryRun)).toEqual([])
    })

    it('refuses a field sent after the file, and a field it does not know', async () => {
      const t = await serverOn(kind)
      const late = new FormData()
      late.append('file', csvFile(SAMPLE_CSV), 'products.csv')
      late.append('dry_run', 'true')
      const error = await errorOf(await t.api('/api/import/', { method: 'POST', body: late }), 400)
      expect(error.message).toContain('send every field before the "file" part')
      // The job fails on the same error the answer gives.
      expect(error.details.job.status).toBe('failed')
      expect(error.details.job.error.code).toBe('VALIDATION_FAILED')
      expect(await t.importer.products.count()).toBe(0)

      const unknown = new FormData()
      unknown.append('mappng', '{"sku":"sku"}')
      unknown.append('file', csvFile(SAMPLE_CSV), 'products.csv')
      const misspelt = await errorOf(
        await t.api('/api/import/', { method: 'POST', body: unknown }),
        400,
      )
      expect(misspelt.message).toContain('Unknown key "mappng"')
      expect(await t.importer.products.count()).toBe(0)
    })

    it('refuses a file of another size than its pending job declared', async () => {
      const t = await serverOn(kind)
      const created = await t.api('/api/import/', jsonInit('POST', { filename: 'a.csv', size: 10 }))
      const job = (await created.json()) as Json
      const error = await errorOf(
        await t.api(`/api/import/${job.job_id}/file`, {
          method: 'PUT',
          headers: { 'content-type': 'text/csv' },
          body: SAMPLE_CSV,
        }),
        400,
      )
      expect(error.message).toContain('created for a file of 10 bytes')
      const after = (await (await t.api(`/api/import/${job.job_id}/`)).json()) as Json
      expect(after.status).toBe('pending')
      expect(await t.importer.products.count()).toBe(0)
    })
  })

  it('refuses a cursor beside a sort or a page number', async () => {
    const t = await serverOn(kind)
    await seedLamps(t, ['a', 'b', 'c'])
    const first = (await (await t.api('/api/products/?page_size=1')).json()) as Json
    expect(first.next_cursor).toEqual(expect.any(String))
    for (const extra of ['sort=name', 'page=2']) {
      const error = await errorOf(
        await t.api(`/api/products/?cursor=${first.next_cursor}&${extra}`),
        400,
      )
      expect(error.message).toContain('cursor cannot be combined with')
    }
  })
})
