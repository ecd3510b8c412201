import { parseActive, parsePrice, parseQuantity, skuKey } from '@product-importer/core'
import { describe, expect, it } from 'vitest'

describe('skuKey', () => {
  it('makes SKUs that differ only in letter case one key', () => {
    expect(new Set(['ABC-1', 'abc-1', 'Abc-1', ' aBc-1 '].map(skuKey)).size).toBe(1)
  })

  it('folds ß to ss and Unicode compatibility forms, as full case folding does', () => {
    expect(skuKey('STRASSE')).toBe(skuKey('straße'))
    expect(skuKey('ﬁle-1')).toBe(skuKey('FILE-1'))
    expect(skuKey('ΣΟΦΟΣ')).toBe(skuKey('σοφος'))
    expect(skuKey('Ａ１')).toBe(skuKey('a1'))
  })

  it('keeps different SKUs apart', () => {
    expect(skuKey('ABC-1')).not.toBe(skuKey('ABC-2'))
    expect(skuKey('straße')).not.toBe(skuKey('strase'))
  })
})

describe('product values', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    [' 0.99 ', 99],
    ['0', 0],
    [79.99, 7999],
  ])('accepts price %j as %d cents', (input, cents) => {
    expect(parsePrice(input)).toEqual({ ok: true, value: cents })
  })

  it.each(['abc', '-1', '12.345', '1,50', '', '1e3', '$5', '12.', '.5'])(
    'rejects price %j with a message',
    (input) => {
      const result = parsePrice(input)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.message).toMatch(/price/)
    },
  )

  it('accepts whole quantities, negative ones (oversold stock) too, and rejects the rest', () => {
    expect(parseQuantity('150')).toEqual({ ok: true, value: 150 })
    expect(parseQuantity(7)).toEqual({ ok: true, value: 7 })
    expect(parseQuantity('-3')).toEqual({ ok: true, value: -3 })
    for (const bad of ['1.5', 'ten', '99999999999', '-99999999999', ''])
      expect(parseQuantity(bad).ok).toBe(false)
  })

  it('reads the usual words for active', () => {
    for (const yes of ['true', 'TRUE', 'yes', '1', 'Active', 'enabled']) {
      expect(parseActive(yes)).toEqual({ ok: true, value: true })
    }
    for (const no of ['false', 'no', '0', 'inactive', 'Disabled']) {
      expect(parseActive(no)).toEqual({ ok: true, value: false })
    }
    expect(parseActive('maybe').ok).toBe(false)
  })
})
