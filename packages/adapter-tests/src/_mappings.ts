import type { ColumnMappingRecord } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import type { CurrentTarget } from './types.js'

const NOW = new Date(Date.UTC(2024, 5, 1, 12))
const later = (ms: number) => new Date(NOW.getTime() + ms)

function mappingRecord(overrides: Partial<ColumnMappingRecord> = {}): ColumnMappingRecord {
  return {
    signature: 'a'.repeat(64),
    columns: { sku: 'Item No', price: 'Unit Price' },
    headers: ['Item No', 'Title', 'Unit Price'],
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  }
}

/** Remembered column mappings, by header signature. */
export function describeMappings(target: CurrentTarget): void {
  describe('column mappings', () => {
    it('stores a mapping under its signature with header names exactly as given', async () => {
      const t = target()
      const record = mappingRecord({
        columns: { sku: 'Référence #', name: 'Nom (FR)' },
        headers: ['Référence #', 'Nom (FR)', '  Prix  '],
      })
      expect(await t.storage.saveMapping(record)).toEqual(record)
      const rows = await t.raw('SELECT signature, columns, headers FROM column_mappings')
      expect(rows).toHaveLength(1)
      expect(rows[0]!.signature).toBe(record.signature)
      expect(JSON.parse(String(rows[0]!.columns))).toEqual(record.columns)
      expect(JSON.parse(String(rows[0]!.headers))).toEqual(record.headers)
      expect(await t.storage.getMapping(record.signature)).toEqual(record)
    })

    it('replaces the mapping of a signature saved again, keeping when it was first made', async () => {
      const t = target()
      await t.storage.saveMapping(mappingRecord())
      const again = await t.storage.saveMapping(
        mappingRecord({
          columns: { sku: 'Title' },
          createdAt: later(5000),
          updatedAt: later(5000),
        }),
      )
      expect(again).toMatchObject({
        columns: { sku: 'Title' },
        createdAt: NOW,
        updatedAt: later(5000),
      })
      const rows = await t.raw('SELECT columns FROM column_mappings')
      expect(rows.map((r) => JSON.parse(String(r.columns)))).toEqual([{ sku: 'Title' }])
    })

    it('finds nothing for an unknown signature, and no mapping by a prefix of one', async () => {
      const t = target()
      await t.storage.saveMapping(mappingRecord())
      expect(await t.storage.getMapping('b'.repeat(64))).toBeUndefined()
      expect(await t.storage.getMapping('a'.repeat(10))).toBeUndefined()
      expect(await t.storage.deleteMapping('b'.repeat(64))).toBe(false)
    })

    it('lists mappings most recently saved first and deletes one by signature', async () => {
      const t = target()
      await t.storage.saveMapping(mappingRecord({ signature: 'old'.padEnd(64, '0') }))
      await t.storage.saveMapping(
        mappingRecord({ signature: 'new'.padEnd(64, '0'), updatedAt: later(1000) }),
      )
      const listed = await t.storage.listMappings()
      expect(listed.map((m) => m.signature.slice(0, 3))).toEqual(['new', 'old'])
      expect(await t.storage.deleteMapping('old'.padEnd(64, '0'))).toBe(true)
      const rows = await t.raw('SELECT signature FROM column_mappings')
      expect(rows.map((r) => String(r.signature).slice(0, 3))).toEqual(['new'])
    })
  })
}
