import { ImporterError, isImporterError } from '../errors.js'
import { emptyCounts } from '../storage/counts.js'
import type { BatchResult, ChangeSample, ImportCheckpoint, RowError } from '../storage/types.js'
import { migratedOnce } from './_migrated.js'
import { createChangeSampler } from './change-samples.js'
import { createPrefixHasher, type PrefixHasher } from './file-fingerprint.js'
import { type ParseOutput, recordLimitOf } from './parse.js'
import { parseProducts } from './parse-stream.js'
import { readerOptions } from './record-reader.js'
import { openResumedSource } from './resume-source.js'
import { abortable, openSource } from './source.js'
import type {
  FieldMapping,
  ImportEvent,
  ImportHeader,
  ImportOptions,
  ImportProgress,
  ImportRun,
  ImportSource,
  ImportSummary,
  ImportWarning,
} from './types.js'

/** Rows per transaction unless the caller says otherwise. */
export const DEFAULT_BATCH_SIZE = 10_000

/**
 * Streams a CSV of products into storage: an async iterator of progress, row-error, warning and
 * done events. Memory stays flat whatever the file size; each batch commits in one transaction.
 * Invalid rows are reported and skipped; fatal problems (no sku column, bad encoding, malformed
 * CSV, storage failure) throw an {@link ImporterError} whose `details.summary` has the counts.
 *
 * @example
 * ```ts
 * const run = importProducts('products.csv', { storage, onProgress: (p) => console.log(p.rows) })
 * for await (const event of run) {
 *   if (event.type === 'row-error') console.warn(`line ${event.error.line}: ${event.error.message}`)
 * }
 * // or, without the events:
 * const summary = await importProducts('products.csv', { storage }).result()
 * ```
 */
export function importProducts(source: ImportSource, options: ImportOptions): ImportRun {
  const events = runImport(source, options)
  let summary: ImportSummary | undefined
  const tracked: AsyncGenerator<ImportEvent> = (async function* () {
    for await (const event of events) {
      if (event.type === 'done') summary = event.summary
      yield event
    }
  })()
  return Object.assign(tracked, {
    async result(): Promise<ImportSummary> {
      for await (const _ of tracked) {
        // drain: progress goes to onProgress
      }
      if (!summary)
        throw new ImporterError('CANCELLED', 'the import was stopped before it finished')
      return summary
    },
  })
}

async function* runImport(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<ImportEvent> {
  const started = performance.now()
  const dryRun = options.dryRun ?? false
  const counts = emptyCounts()
  let bytesRead = 0
  let bytesTotal: number | null = null
  let platform: ImportSummary['platform']
  let skipped = 0
  let mapping: ImportSummary['mapping']
  const warnings: ImportWarning[] = []
  let checkpoint: ImportProgress['checkpoint']

  const summarize = (status: ImportSummary['status'], error?: ImporterError): ImportSummary => ({
    status,
    dryRun,
    ...counts,
    skipped,
    bytesRead,
    durationMs: Math.round(performance.now() - started),
    ...(platform ? { platform } : {}),
    ...(mapping ? { mapping } : {}),
    warnings: [...warnings],
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  })
  const progress = (phase: ImportProgress['phase']): ImportProgress => {
    const elapsedMs = performance.now() - started
    const rowsPerSecond = elapsedMs > 0 ? Math.round((counts.rows * 1000) / elapsedMs) : 0
    const etaMs =
      bytesTotal && bytesRead > 0 && phase !== 'done'
        ? Math.max(0, Math.round((elapsedMs * (bytesTotal - bytesRead)) / bytesRead))
        : null
    return {
      phase,
      ...counts,
      bytesRead,
      bytesTotal,
      elapsedMs: Math.round(elapsedMs),
      rowsPerSecond,
      etaMs,
      ...(checkpoint ? { checkpoint } : {}),
    }
  }
  const fail = (error: unknown): ImporterError => {
    const failure = isImporterError(error)
      ? error
      : new ImporterError('INTERNAL', `the import failed: ${(error as Error).message}`, {
          cause: error,
        })
    return new ImporterError(failure.code, failure.message, {
      cause: failure.cause ?? failure,
      details: {
        ...(failure.details as object | undefined),
        summary: summarize('failed', failure),
      },
    })
  }

  // Checked before anything opens: a limit out of range is the caller's mistake.
  const maxRecordBytes = recordLimitOf(options.maxRecordBytes)
  let opened: Awaited<ReturnType<typeof openSource>>
  // Fingerprints each checkpoint, so that a resume can refuse another file. A dry run and a
  // file decoded from a single-byte encoding record no checkpoints.
  let hasher: PrefixHasher | undefined
  try {
    if (options.resumeFrom) {
      const resumed = await openResumedSource(source, options.resumeFrom, options.bytesTotal)
      opened = resumed
      hasher = resumed.hasher
    } else {
      opened = await openSource(source, options.bytesTotal)
      if (!dryRun && (options.encoding ?? 'utf-8') === 'utf-8') {
        hasher = createPrefixHasher()
        opened = { ...opened, chunks: hasher.track(opened.chunks) }
      }
    }
  } catch (error) {
    throw fail(error)
  }
  bytesTotal = opened.bytesTotal
  const fileSize = opened.size
  const writer = await (options.migrate === false
    ? Promise.resolve()
    : migratedOnce(options.storage)
  )
    .then(() => options.storage.openImportWriter({ dryRun }))
    .catch((error) => {
      throw fail(error)
    })
  const batchSize = Math.max(
    1,
    Math.trunc(options.batchSize ?? writer.batchSize ?? DEFAULT_BATCH_SIZE),
  )
  // Stops a read of the input that is still waiting when the import ends early.
  const stopReading = new AbortController()
  const parsed = parseProducts(
    abortable(
      opened.chunks,
      options.signal ? AbortSignal.any([options.signal, stopReading.signal]) : stopReading.signal,
    ),
    {
      encoding: options.encoding ?? 'utf-8',
      delimiter: options.delimiter,
      batchSize,
      ...readerOptions(options),
      maxRecordBytes,
      stopAtFirstError: options.onRowError === 'abort',
      ...(options.resumeFrom
        ? {
            resume: {
              line: options.resumeFrom.line,
              skippedBytes: options.resumeFrom.offset - options.resumeFrom.headerBytes,
            },
          }
        : {}),
    },
    // A writer on a thread of its own leaves this one free to parse: a parse worker would only
    // add a third thread and a copy of every batch.
    options.worker ?? !writer.threaded,
  )
  // Only a dry run samples: the stored products are still those before the file.
  const sampler = dryRun ? createChangeSampler(options.storage) : undefined

  /** The events of a batch the writer was given, once it is written. */
  async function* written(batch: Writing): AsyncGenerator<ImportEvent> {
    const { out } = batch
    let result: BatchResult
    try {
      result = await batch.result
    } catch (error) {
      throw fail(error)
    }
    const rejected: RowError[] = result.rejected.map(({ index, column, message }) => {
      const row = out.rows[index]!
      return { line: row.line, sku: row.sku, column, value: null, message }
    })
    const errors = out.errors
    const invalidRows = new Set(errors.map((e) => e.line)).size + rejected.length
    counts.rows += out.records
    skipped += out.skipped
    counts.created += result.created
    counts.updated += result.updated
    counts.unchanged += result.unchanged
    counts.duplicatesInFile += out.duplicates + result.duplicates
    counts.invalid += invalidRows
    bytesRead = out.bytesRead
    if (batch.checkpoint) checkpoint = batch.checkpoint
    for (const error of mergeErrors(errors, rejected)) yield { type: 'row-error', error }
    let samples: ChangeSample[] = []
    try {
      samples = (await batch.samples) ?? []
    } catch (error) {
      throw fail(error)
    }
    for (const sample of samples) yield { type: 'change-sample', sample }
    const current = progress('importing')
    options.onProgress?.(current)
    yield { type: 'progress', progress: current }
    const stopLine =
      options.onRowError === 'abort' ? (errors[0]?.line ?? rejected[0]?.line) : undefined
    if (stopLine !== undefined) {
      throw fail(
        new ImporterError(
          'ROW_INVALID',
          `the import stopped at the invalid row on line ${stopLine}`,
          {
            details: { line: stopLine },
          },
        ),
      )
    }
  }

  let cancelled = false
  // The batch being written while the next one is parsed. Batches are still written one after
  // another, and each one's events follow its write at once, not when the next batch is ready
  // (an upload may take long to send it).
  let writing: Writing | undefined
  let reading: Promise<IteratorResult<ParseOutput>> | undefined
  try {
    for (;;) {
      reading = parsed.next()
      reading.catch(() => {}) // awaited below, after the batch in hand
      if (writing) {
        const batch = writing
        writing = undefined
        yield* written(batch)
      }
      let next: IteratorResult<ParseOutput>
      try {
        next = await reading
      } catch (error) {
        if (options.signal?.aborted) {
          cancelled = true
          break
        }
        throw fail(error)
      } finally {
        reading = undefined
      }
      if (next.done) break
      const out = next.value
      if (out.type === 'warning') {
        warnings.push(out.warning)
        yield { type: 'warning', warning: out.warning }
        continue
      }
      if (out.type === 'header') {
        platform = out.header.platform
        mapping = toFieldMapping(out.header)
        yield { type: 'header', header: out.header }
        continue
      }
      if (out.type === 'record') continue
      if (options.signal?.aborted) {
        cancelled = true
        break
      }
      const result = writer.write(out.rows)
      result.catch(() => {}) // awaited by written(), unless the import stops first
      // A dry run changes nothing, so its samples are read while the batch is evaluated.
      const samples = sampler?.sample(out.rows)
      samples?.catch(() => {})
      // Taken as the batch arrives, not once written: the chunks the hasher holds until then
      // are fewer.
      const taken =
        out.checkpoint && !dryRun
          ? {
              ...out.checkpoint,
              ...(hasher ? { fingerprint: hasher.fingerprintAt(out.checkpoint, fileSize) } : {}),
            }
          : undefined
      writing = { out, result, samples, ...(taken ? { checkpoint: taken } : {}) }
    }
  } finally {
    // A writer is never closed with a batch in hand, and a read still waiting for input is
    // stopped, so that the parser can be closed.
    await writing?.result.catch(() => {})
    if (reading) {
      stopReading.abort()
      await reading.catch(() => {})
    }
    await parsed.return(undefined)
    await writer.close()
  }
  const summary = summarize(cancelled ? 'cancelled' : 'completed')
  const last = progress('done')
  options.onProgress?.(last)
  yield { type: 'progress', progress: last }
  yield { type: 'done', summary }
}

/** The header each field of a file is read from, by the `header` event of its import. */
export function toFieldMapping(header: ImportHeader): FieldMapping {
  const mapping: FieldMapping = {}
  for (const column of header.columns) if (column.field) mapping[column.field] = column.header
  return mapping
}

/** Parse errors and storage rejections of one batch, in line order. */
function mergeErrors(parse: RowError[], rejected: RowError[]): RowError[] {
  if (rejected.length === 0) return parse
  return [...parse, ...rejected].sort((a, b) => a.line - b.line)
}

/** A batch handed to the writer, and its write. */
interface Writing {
  out: Extract<ParseOutput, { type: 'batch' }>
  result: Promise<BatchResult>
  /** A dry run's change samples among the batch's rows. */
  samples?: Promise<ChangeSample[]>
  /** Where a resume starts once the batch is written, with the file's fingerprint there. */
  checkpoint?: ImportCheckpoint
}
