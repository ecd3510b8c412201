import {
  type ImportEncoding,
  type ImportSummary,
  importProducts,
  isImporterError,
} from '@product-importer/core'
import { createProgressReporter } from './progress-bar.js'
import type { Command } from './run.js'
import { openStorage, storageOptions } from './storage.js'

/** Row errors printed one by one before the rest are only counted. */
const MAX_PRINTED_ERRORS = 100

export const importCommand: Command = {
  summary: 'Import a CSV file of products (create or update by SKU, the last row of a SKU wins).',
  usage:
    'product-importer import <file.csv> [--db file | --database-url url] [--dry-run] [--json] [--encoding utf-8|windows-1252|latin1] [--delimiter ,] [--batch-size 10000] [--abort-on-error]',
  options: {
    ...storageOptions,
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    encoding: { type: 'string' },
    delimiter: { type: 'string' },
    'batch-size': { type: 'string' },
    'abort-on-error': { type: 'boolean' },
  },
  integers: { 'batch-size': { min: 1, max: 1_000_000 } },
  async run({ values, positionals }) {
    const [file] = positionals
    if (!file || positionals.length > 1) {
      console.error(`expected one file to import\n\nUsage: ${this.usage}`)
      return 2
    }
    const storage = await openStorage(values)
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.on('SIGINT', stop)
    const progress = createProgressReporter()
    let printed = 0
    let summary: ImportSummary | undefined
    try {
      const run = importProducts(file, {
        storage,
        dryRun: Boolean(values['dry-run']),
        signal: controller.signal,
        encoding: values.encoding as ImportEncoding | undefined,
        delimiter: values.delimiter as ',' | undefined,
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
        } else if (event.type === 'done') summary = event.summary
      }
    } catch (error) {
      progress.clear()
      if (!isImporterError(error)) throw error
      summary = (error.details as { summary?: ImportSummary } | undefined)?.summary
      console.error(`error: ${error.code}: ${error.message}`)
      if (values.json && summary) console.log(JSON.stringify(summary))
      return 1
    } finally {
      process.off('SIGINT', stop)
      await storage.close()
    }
    progress.clear()
    if (!summary) return 1
    if (printed > MAX_PRINTED_ERRORS) {
      console.error(`... and ${printed - MAX_PRINTED_ERRORS} more row errors`)
    }
    if (values.json) console.log(JSON.stringify(summary))
    else console.log(describe(summary))
    return summary.status === 'completed' ? 0 : 130
  },
}

function describe(s: ImportSummary): string {
  const verb = s.dryRun ? 'would be ' : ''
  return [
    `${s.status}${s.dryRun ? ' (dry run, nothing written)' : ''}: ${s.rows} rows in ${(s.durationMs / 1000).toFixed(2)}s`,
    `  ${verb}created ${s.created}, ${verb}updated ${s.updated}, unchanged ${s.unchanged}, invalid ${s.invalid}, duplicates in file ${s.duplicatesInFile}`,
  ].join('\n')
}
