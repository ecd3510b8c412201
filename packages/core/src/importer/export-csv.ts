import { EXPORT_COLUMNS, FORMULA_GUARD_COLUMN, guardFormula } from '../import/formula-guard.js'
import { formatPrice } from '../product/values.js'
import type { ImporterStorage, ProductFilter, ProductRecord } from '../storage/types.js'
import type { ExportCsvOptions } from './types.js'

export { EXPORT_COLUMNS }

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

function cell(text: string, neutralize: boolean): string {
  const value = neutralize ? guardFormula(text) : text
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

function line(p: ProductRecord, neutralize: boolean): string {
  return `${cell(p.sku, neutralize)},${cell(p.name, neutralize)},${cell(p.description, neutralize)},${
    p.priceCents === null ? '' : formatPrice(p.priceCents)
  },${p.quantity},${p.active}\n`
}

/**
 * Streams products as CSV text, one chunk per storage chunk. With `neutralizeFormulas`, text
 * cells that a spreadsheet would run get a leading `'`, and the header ends with the
 * `formula_guard` mark so that import removes exactly those again.
 */
export async function* exportCsv(
  storage: Pick<ImporterStorage, 'streamProducts'>,
  filter: ProductFilter = {},
  options: ExportCsvOptions = {},
): AsyncGenerator<string> {
  const neutralize = options.neutralizeFormulas ?? false
  const header = neutralize ? [...EXPORT_COLUMNS, FORMULA_GUARD_COLUMN] : EXPORT_COLUMNS
  yield `${header.join(',')}\n`
  for await (const chunk of storage.streamProducts(filter, { chunkSize: 1000 })) {
    let text = ''
    for (const product of chunk) text += line(product, neutralize)
    yield text
  }
}
