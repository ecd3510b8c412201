import { readFileSync } from 'node:fs'
import {
  HEADER_ALIASES,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SKU_LENGTH,
  PLATFORMS,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
const section = readme.slice(readme.indexOf('## CSV format'), readme.indexOf('## Packages'))
const cellsOf = (first: string) =>
  section
    .split('\n')
    .find((line) => line.startsWith(`| ${first} `))
    ?.split('|')
    .map((cell) => cell.trim())
    .slice(1, -1)

describe("the README's CSV format section", () => {
  it('lists every header alias of every field, exactly as the alias table has them', () => {
    for (const [field, names] of Object.entries(HEADER_ALIASES)) {
      expect(cellsOf(field)?.[1]?.split(', '), field).toEqual(names)
    }
  })

  it('shows every platform with an example header', () => {
    for (const platform of PLATFORMS) expect(cellsOf(platform)?.[1], platform).toBeTruthy()
  })

  it('states the length limit of each text field, in characters, as the code enforces it', () => {
    expect(cellsOf('sku')?.[2]).toBe(`required, 1-${MAX_SKU_LENGTH} characters`)
    expect(cellsOf('name')?.[2]).toBe(`required for a new product, 1-${MAX_NAME_LENGTH} characters`)
    expect(cellsOf('description')?.[2]).toBe(`text, up to ${MAX_DESCRIPTION_LENGTH} characters`)
    expect(section).toContain('Lengths count characters (Unicode code points')
  })
})
