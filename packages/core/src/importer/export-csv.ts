import { EXPORT_COLUMNS, FORMULA_GUARD_COLUMN, guardFormula } from '../import/formula-guard.js'
import { FIELDS, type FieldSpec, unknownKind } from '../product/fields.js'
import { formatPrice } from '../product/values.js'
import type { ImporterStorage, ProductFilter, ProductRecord } from '../storage/types.js'
import type { ExportCsvOptions } from './types.js'

export { EXPORT_COLUMNS }

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

function cell(text: string, neutralize: boolean): string {
  const value = neutralize ? guardFormula(text) : text
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

const SPECS: readonly FieldSpec[] = EXPORT_COLUMNS.map((field) => FIELDS[field])

/** A field's cell: money as a decimal, lists joined with `, `, nothing for none. */
function valueCell(spec: FieldSpec, value: unknown, neutralize: boolean): string {
  if (value === null) return ''
  switch (spec.kind) {
    case 'text':
      return cell(value as string, neutralize)
    case 'list':
      return cell((value as string[]).join(', '), neutralize)
    case 'money':
      return formatPrice(value as number)
    case 'integer':
    case 'boolean':
      return String(value)
    default:
      return unknownKind(spec.kind)
  }
}

function line(p: ProductRecord, neutralize: boolean): string {
  let text = valueCell(SPECS[0]!, p[SPECS[0]!.key], neutralize)
  for (let i = 1; i < SPECS.length; i++) {
    text += `,${valueCell(SPECS[i]!, p[SPECS[i]!.key], neutralize)}`
  }
  return `${text}\n`
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
