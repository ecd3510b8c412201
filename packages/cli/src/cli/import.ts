import {
  applyRememberedMapping,
  type ColumnMapping,
  type ImportHeader,
  type ImportSummary,
  importProducts,
  isImporterError,
  rememberMapping,
} from '@product-importer/core'
import { EXIT_CODES } from './exit-codes.js'
import { READING_USAGE, readingFlags, readingOptions } from './import-flags.js'
import { PLATFORM_NAMES } from './platform-names.js'
import { createProgressReporter } from './progress-bar.js'
import type { Command } from './run.js'
import { openStorage, storageOptions } from './storage.js'

/** Row errors printed one by one before the rest are only counted. */
const MAX_PRINTED_ERRORS = 100

export const importCommand: Command = {
  summary: 'Import a CSV file of products (create or update by SKU, the last row of a SKU wins).',
  usage: `product-importer import <file.csv> [--db file | --database-url url] [--dry-run] [--json] ${READING_USAGE} [--batch-size 10000] [--abort-on-error] [--no-remember]`,
  options: {
    ...storageOptions,
    ...readingFlags,
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    'batch-size': { type: 'string' },
    'abort-on-error': { type: 'boolean' },
    'no-remember': { type: 'boolean' },
  },
  integers: { 'batch-size': { min: 1, max: 1_000_000 } },
  async run({ values, positionals }) {
    const [file] = positionals
    if (!file || positionals.length > 1) {
      console.error(`expected one file to import\n\nUsage: ${this.usage}`)
      return EXIT_CODES.USAGE
    }
    const reading = readingOptions(values)
    if (!reading.ok) {
      console.error(`${reading.message}\n\nUsage: ${this.usage}`)
      return EXIT_CODES.USAGE
    }
    const storage = await openStorage(values)
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.on('SIGINT', stop)
    const progress = createProgressReporter()
    let printed = 0
    let summary: ImportSummary | undefined
    let header: ImportHeader | undefined
    const remember = !values['no-remember']
    const dryRun = Boolean(values['dry-run'])
    try {
      let source: Parameters<typeof importProducts>[0] = file
      let remembered: { columns?: ColumnMapping; bytesTotal?: number } = {}
      if (remember && !reading.options.columns) {
        const found = await applyRememberedMapping(storage, file, {
          ...(reading.options.encoding ? { encoding: reading.options.encoding } : {}),
          ...(reading.options.delimiter ? { delimiter: reading.options.delimiter } : {}),
          signal: controller.signal,
        })
        source = found.source
        remembered = {
          ...(found.remembered ? { columns: found.remembered.columns } : {}),
          ...(found.bytesTotal === undefined ? {} : { bytesTotal: found.bytesTotal }),
        }
        if (found.remembered) {
          console.error(
            `columns mapped as remembered for this header: ${describeMapping(found.remembered.columns)}`,
          )
        }
      }
      const run = importProducts(source, {
        storage,
        dryRun,
        signal: controller.signal,
        ...reading.options,
        ...remembered,
        batchSize: values['batch-size'] as number | undefined,
        onRowError: values['abort-on-error'] ? 'abort' : 'skip',
        onProgress: (p) => progress.update(p),
      })
      for await (const event of run) {
        if (event.type === 'row-error') {
          if (printed++ < MAX_PRINTED_ERRORS) {
            const { line, column, value, message } = event.error
            progress.clear()
            const cell = value ? ` (value "${value}")` : ''
            console.error(`line ${line}: ${column ? `${column}: ` : ''}${message}${cell}`)
          }
        } else if (event.type === 'warning') {
          progress.clear()
          console.error(`warning: ${event.warning.message}`)
        } else if (event.type === 'header') header = event.header
        else if (event.type === 'done') summary = event.summary
      }
      const columns = reading.options.columns
      if (remember && columns && header && !dryRun && summary?.status === 'completed') {
        await rememberMapping(storage, header, columns)
        if (!values.json) console.error('remembered the column mapping for files with this header')
      }
    } catch (error) {
      progress.clear()
      if (!isImporterError(error)) throw error
      summary = (error.details as { summary?: ImportSummary } | undefined)?.summary
      console.error(`error: ${error.code}: ${error.message}`)
      if (values.json && summary) console.log(JSON.stringify(summary))
      return EXIT_CODES.FATAL
    } finally {
      process.off('SIGINT', stop)
      await storage.close()
    }
    progress.clear()
    if (!summary) return EXIT_CODES.FATAL
    if (printed > MAX_PRINTED_ERRORS) {
      console.error(`... and ${printed - MAX_PRINTED_ERRORS} more row errors`)
    }
    if (values.json) console.log(JSON.stringify(summary))
    else console.log(describe(summary))
    return exitCodeOf(summary)
  },
}

/** 0 when a row applied or there were none; NONE_APPLIED when every row failed. */
export function exitCodeOf(summary: ImportSummary): number {
  if (summary.status === 'cancelled') return EXIT_CODES.CANCELLED
  if (summary.status !== 'completed') return EXIT_CODES.FATAL
  const applied = summary.created + summary.updated + summary.unchanged
  return summary.rows > 0 && applied === 0 ? EXIT_CODES.NONE_APPLIED : EXIT_CODES.OK
}

function describeMapping(columns: ColumnMapping): string {
  return Object.entries(columns)
    .map(([field, header]) => (header === null ? `${field} not imported` : `${field}="${header}"`))
    .join(', ')
}

function describe(s: ImportSummary): string {
  const verb = s.dryRun ? 'would be ' : ''
  const applied = s.created + s.updated + s.unchanged
  const status =
    s.status === 'completed' && s.rows > 0 && applied === 0 ? 'nothing imported' : s.status
  return [
    `${status}${s.dryRun ? ' (dry run, nothing written)' : ''}: ${s.rows} rows in ${(s.durationMs / 1000).toFixed(2)}s${s.platform ? `, read as ${PLATFORM_NAMES[s.platform]}` : ''}`,
    `  ${verb}created ${s.created}, ${verb}updated ${s.updated}, unchanged ${s.unchanged}, invalid ${s.invalid}, duplicates in file ${s.duplicatesInFile}${s.skipped > 0 ? `, skipped ${s.skipped}` : ''}`,
  ].join('\n')
}
