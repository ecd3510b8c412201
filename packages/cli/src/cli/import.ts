import { basename, resolve } from 'node:path'
import {
  applyRememberedMapping,
  type ColumnMapping,
  createProductImporter,
  type ImportEvent,
  type ImportSource,
  type ImportSummary,
  isImporterError,
} from '@product-importer/core'
import { EXIT_CODES } from './exit-codes.js'
import { READING_INTEGERS, READING_USAGE, readingFlags, readingOptions } from './import-flags.js'
import { INPUT_INTEGERS, INPUT_USAGE, inputFlags, openInputFile } from './input-file.js'
import { PLATFORM_NAMES } from './platform-names.js'
import { createProgressReporter } from './progress-bar.js'
import type { Command } from './run.js'
import { databaseWaitOf, databaseWaitOption, openStorage, storageOptions } from './storage.js'

/** Row errors printed one by one before the rest are only counted. */
const MAX_PRINTED_ERRORS = 100

export const importCommand: Command = {
  summary: 'Import a CSV file of products (create or update by SKU, the last row of a SKU wins).',
  usage: `product-importer import <file.csv|file.csv.gz> [--db file | --database-url url] [--dry-run] [--json] ${READING_USAGE} ${INPUT_USAGE} [--batch-size 10000] [--abort-on-error] [--no-remember] [--resume <job id>] [--database-wait 30]`,
  options: {
    ...storageOptions,
    ...databaseWaitOption.options,
    ...readingFlags,
    ...inputFlags,
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    'batch-size': { type: 'string' },
    'abort-on-error': { type: 'boolean' },
    resume: { type: 'string' },
    'no-remember': { type: 'boolean' },
  },
  integers: {
    ...READING_INTEGERS,
    ...INPUT_INTEGERS,
    ...databaseWaitOption.integers,
    'batch-size': { min: 1, max: 1_000_000 },
  },
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
    const resumeId = values.resume as string | undefined
    // A job record like the API's: history shows CLI imports, and a killed one is visible and
    // can be resumed.
    const importer = createProductImporter({
      storage: await openStorage(values),
      migrate: false,
      // A job whose import a database outage failed is recorded failed once it is back.
      ...databaseWaitOf(values),
      // The import's events go to the outbox; `serve`, with its allowed webhook hosts, sends
      // them. A one-shot command sending with the default URL guard would spend their attempts.
      webhooks: { dispatch: 'manual' },
    })
    let jobId: string | undefined
    const stop = () => {
      if (jobId) void importer.imports.cancel(jobId).catch(() => {})
    }
    process.on('SIGINT', stop)
    const progress = createProgressReporter()
    let printed = 0
    let summary: ImportSummary | undefined
    let failure: { code: string; message: string } | undefined
    const onEvent = (event: ImportEvent) => {
      if (event.type === 'progress') progress.update(event.progress)
      else if (event.type === 'row-error') {
        if (printed++ < MAX_PRINTED_ERRORS) {
          const { line, column, value, message } = event.error
          progress.clear()
          const cell = value ? ` (value "${value}")` : ''
          console.error(`line ${line}: ${column ? `${column}: ` : ''}${message}${cell}`)
        }
      } else if (event.type === 'warning') {
        progress.clear()
        console.error(`warning: ${event.warning.message}`)
      }
    }
    const remember = !values['no-remember']
    const dryRun = Boolean(values['dry-run'])
    try {
      // A .csv.gz is read decompressed; any other file by its path.
      const input = await openInputFile(file, values['max-decoded-bytes'] as number | undefined)
      const options = {
        ...reading.options,
        ...(values['batch-size'] === undefined
          ? {}
          : { batchSize: values['batch-size'] as number }),
        onRowError: values['abort-on-error'] ? ('abort' as const) : ('skip' as const),
        onEvent,
        remember,
      }
      if (resumeId) {
        jobId = resumeId
        console.error(`resuming import job ${resumeId}`)
        // The resumed job reads the rest of the file with the mapping it started with.
        summary = await importer.imports.resume(resumeId, input, options)
      } else {
        let source: ImportSource = input
        let found: { columns?: ColumnMapping; bytesTotal?: number } = {}
        if (remember && !reading.options.columns) {
          // Looked up here rather than by the run, so the mapping is named before the import.
          const peeked = await applyRememberedMapping(importer.storage, input, {
            ...(reading.options.encoding ? { encoding: reading.options.encoding } : {}),
            ...(reading.options.delimiter ? { delimiter: reading.options.delimiter } : {}),
          })
          source = peeked.source
          found = {
            ...(peeked.remembered ? { columns: peeked.remembered.columns } : {}),
            ...(peeked.bytesTotal === undefined ? {} : { bytesTotal: peeked.bytesTotal }),
          }
          if (peeked.remembered) {
            console.error(
              `columns mapped as remembered for this header: ${describeMapping(peeked.remembered.columns)}`,
            )
          }
        }
        const job = await importer.imports.create({ filename: basename(file), dryRun })
        jobId = job.id
        console.error(`import job ${job.id}`)
        summary = await importer.imports.run(job.id, source, {
          ...options,
          ...found,
          // Already looked up above; an explicit mapping is remembered by the run when it completes.
          remember: remember && reading.options.columns !== undefined,
          filename: basename(file),
          // The peeked source is a stream: a resume finds the file by its path.
          resumeSource: resolve(file),
        })
        if (
          remember &&
          reading.options.columns &&
          !dryRun &&
          summary.status === 'completed' &&
          !values.json
        ) {
          console.error('remembered the column mapping for files with this header')
        }
      }
      if (summary.status === 'failed') failure = summary.error
    } catch (error) {
      if (!isImporterError(error)) throw error
      failure = { code: error.code, message: error.message }
    } finally {
      process.off('SIGINT', stop)
      await importer.close()
    }
    if (failure) {
      progress.clear()
      console.error(`error: ${failure.code}: ${failure.message}`)
      if (values.json && summary) console.log(JSON.stringify({ ...summary, jobId }))
      return EXIT_CODES.FATAL
    }
    progress.clear()
    if (!summary) return EXIT_CODES.FATAL
    if (printed > MAX_PRINTED_ERRORS) {
      console.error(`... and ${printed - MAX_PRINTED_ERRORS} more row errors`)
    }
    if (values.json) console.log(JSON.stringify({ ...summary, jobId }))
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
