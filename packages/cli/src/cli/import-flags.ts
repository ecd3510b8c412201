import {
  type DecimalSeparator,
  type ImportOptions,
  PLATFORMS,
  type Platform,
  PRODUCT_FIELDS,
  type ProductField,
  RECORD_BYTES_RANGE,
} from '@product-importer/core'

const DECIMALS: readonly DecimalSeparator[] = ['.', ',', 'auto']

/** Flags that say how a file's columns are read, shared by `import` and `inspect`. */
export const readingFlags = {
  map: { type: 'string', multiple: true },
  platform: { type: 'string' },
  decimal: { type: 'string' },
  currency: { type: 'string' },
  locale: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'max-record-bytes': { type: 'string' },
} as const

/** The integer flags among {@link readingFlags}, for a command's `integers`. */
export const READING_INTEGERS = {
  'max-record-bytes': RECORD_BYTES_RANGE,
}

/** Usage text of {@link readingFlags}. */
export const READING_USAGE =
  '[--map field="Header" ...] [--platform name] [--decimal ,|.|auto] [--currency EUR] [--locale en_US] [--encoding utf-8|windows-1252|latin1] [--delimiter ,] [--max-record-bytes 1048576]'

type ReadingOptions = Pick<
  ImportOptions,
  | 'columns'
  | 'platform'
  | 'decimal'
  | 'currency'
  | 'locale'
  | 'encoding'
  | 'delimiter'
  | 'maxRecordBytes'
>

/**
 * Import options from the reading flags, or what is wrong with them (the command prints it
 * with its usage and exits 2). `--map sku="Item No"` (repeatable) maps a field to a header
 * name; the shell has already removed the quotes.
 */
export function readingOptions(
  values: Record<string, unknown>,
): { ok: true; options: ReadingOptions } | { ok: false; message: string } {
  const options: ReadingOptions = {}
  const maps = (values.map as string[] | undefined) ?? []
  if (maps.length > 0) {
    const columns: Partial<Record<ProductField, string>> = {}
    for (const entry of maps) {
      const at = entry.indexOf('=')
      const field = entry.slice(0, Math.max(0, at)).trim() as ProductField
      const header = entry.slice(at + 1).trim()
      if (at === -1 || !PRODUCT_FIELDS.includes(field) || header === '') {
        return usage(
          `--map takes field="Header" with a field among ${PRODUCT_FIELDS.join(', ')}; got "${entry}"`,
        )
      }
      columns[field] = header
    }
    options.columns = columns
  }
  const platform = values.platform as string | undefined
  if (platform !== undefined) {
    if (!PLATFORMS.includes(platform as Platform)) {
      return usage(`--platform must be one of ${PLATFORMS.join(', ')}; got "${platform}"`)
    }
    options.platform = platform as Platform
  }
  const decimal = values.decimal as string | undefined
  if (decimal !== undefined) {
    if (!DECIMALS.includes(decimal as DecimalSeparator)) {
      return usage(`--decimal must be "," "." or auto; got "${decimal}"`)
    }
    options.decimal = decimal as DecimalSeparator
  }
  if (values.currency) options.currency = values.currency as string
  if (values.locale) options.locale = values.locale as string
  if (values.encoding) options.encoding = values.encoding as ImportOptions['encoding']
  if (values.delimiter) options.delimiter = values.delimiter as ImportOptions['delimiter']
  const maxRecordBytes = values['max-record-bytes'] as number | undefined
  if (maxRecordBytes !== undefined) options.maxRecordBytes = maxRecordBytes
  return { ok: true, options }
}

const usage = (message: string) => ({ ok: false, message }) as const
