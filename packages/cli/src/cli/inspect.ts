import { type ImportInspection, inspectProducts } from '@product-importer/core'
import { EXIT_CODES } from './exit-codes.js'
import { READING_INTEGERS, READING_USAGE, readingFlags, readingOptions } from './import-flags.js'
import { INPUT_INTEGERS, INPUT_USAGE, inputFlags, openInputFile } from './input-file.js'
import { PLATFORM_NAMES } from './platform-names.js'
import type { Command } from './run.js'

/** Sample values and row cells are cut to this many characters on a terminal line. */
const CELL_WIDTH = 40

export const inspectCommand: Command = {
  summary:
    'Show how a CSV file will import: platform, encoding, delimiter, the field of each column with samples, and the first rows as they will be imported. Reads only the head of the file and writes nothing.',
  usage: `product-importer inspect <file.csv|file.csv.gz> [--rows 10] [--json] ${READING_USAGE} ${INPUT_USAGE}`,
  options: {
    ...readingFlags,
    ...inputFlags,
    rows: { type: 'string' },
    json: { type: 'boolean' },
  },
  integers: { ...READING_INTEGERS, ...INPUT_INTEGERS },
  async run({ values, positionals }) {
    const [file] = positionals
    const rows = values.rows === undefined ? undefined : Number(values.rows)
    if (!file || positionals.length > 1 || (rows !== undefined && !(rows >= 1))) {
      console.error(`expected one file to inspect\n\nUsage: ${this.usage}`)
      return EXIT_CODES.USAGE
    }
    const reading = readingOptions(values)
    if (!reading.ok) {
      console.error(`${reading.message}\n\nUsage: ${this.usage}`)
      return EXIT_CODES.USAGE
    }
    const input = await openInputFile(file, values['max-decoded-bytes'] as number | undefined)
    const seen = await inspectProducts(input, {
      ...reading.options,
      ...(rows === undefined ? {} : { rows }),
    })
    console.log(values.json ? JSON.stringify(seen) : describe(seen))
    return EXIT_CODES.OK
  },
}

function describe(seen: ImportInspection): string {
  const delimiter = seen.delimiter === '\t' ? 'tab' : `"${seen.delimiter}"`
  const lines = [
    `platform: ${PLATFORM_NAMES[seen.platform]}`,
    `encoding: ${seen.encoding}, delimiter: ${delimiter}, decimal: ${seen.decimal}`,
    '',
    'columns:',
  ]
  const width = Math.max(...seen.columns.map((c) => c.header.length))
  for (const column of seen.columns) {
    const field = column.field ? `-> ${column.field}` : '(ignored)'
    const samples = column.samples.map((s) => JSON.stringify(cut(s))).join(', ')
    lines.push(`  ${column.header.padEnd(width)}  ${field.padEnd(14)} ${samples}`)
  }
  for (const warning of seen.warnings) lines.push(`warning: ${warning.message}`)
  lines.push('', `first ${seen.rows.length} rows as they will be imported:`)
  for (const row of seen.rows) {
    if (row.status === 'skipped') lines.push(`  line ${row.line}: skipped (not a product row)`)
    else if (row.status === 'invalid') {
      for (const e of row.errors) {
        lines.push(`  line ${row.line}: invalid: ${e.column ? `${e.column}: ` : ''}${e.message}`)
      }
    } else {
      const fields = Object.entries(row.product).map(
        ([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(cut(v)) : v}`,
      )
      lines.push(`  line ${row.line}: ${fields.join(' ')}`)
    }
  }
  if (seen.more) lines.push('  ...')
  return lines.join('\n')
}

function cut(text: string): string {
  return text.length > CELL_WIDTH ? `${text.slice(0, CELL_WIDTH - 1)}…` : text
}
