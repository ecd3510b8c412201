import { createUuidV7 } from '@product-importer/core'
import { describe, expect, it } from 'vitest'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('createUuidV7', () => {
  it('makes version 7 ids that carry their millisecond', () => {
    const nextId = createUuidV7()
    const at = Date.UTC(2026, 10, 30, 1, 2, 3, 4)
    const id = nextId(at)
    expect(id).toMatch(UUID_V7)
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(at)
  })

  it('keeps the ids of one millisecond and of later ones in creation order, all distinct', () => {
    const nextId = createUuidV7()
    const start = Date.now()
    // More ids than its random pool holds, over a few milliseconds.
    const ids = Array.from({ length: 10_000 }, (_, i) => nextId(start + Math.floor(i / 3000)))
    for (const id of ids) expect(id).toMatch(UUID_V7)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })
})
