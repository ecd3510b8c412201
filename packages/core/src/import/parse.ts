import { CsvError, Parser } from 'csv-parse'
import { ImporterError } from '../errors.js'
import type { ImportRow, RowError } from '../storage/types.js'
import { refuseBinary, refuseSignature, SIGNATURE_BYTES } from './binary-file.js'
import { createFastRecords, HANDOVER } from './fast-records.js'
import { type FormulaGuard, formulaGuardOf } from './formula-guard.js'
import { mergeBatch } from './merge-batch.js'
import { createRecordReader, type ReaderOptions, type RecordReader } from './record-reader.js'
import { createRecordSkipper, type RecordSkipper } from './skip-record.js'
import type { ImportEncoding, ImportHeader, ImportWarning } from './types.js'
import { createUtf8Validator } from './utf8.js'

/** Options of the parser; plain data, so they cross into the parse worker. */
export interface ParserOptions extends ReaderOptions {
  encoding: ImportEncoding
  delimiter: string | undefined
  batchSize: number
  /** End the batch at the first invalid row and read no further. */
  stopAtFirstError: boolean
  /** Also emit each data record's cells (inspect shows them as samples). */
  keepRecords?: boolean
  /**
   * The input is a resumed file: its header, then the file from a checkpoint on. `line` is the
   * line the first record after the header starts on; `skippedBytes` the file bytes left out.
   */
  resume?: { line: number; skippedBytes: number }
  /** Read a file without a sku column too (an inspection before mapping). */
  skuOptional?: boolean
  /** Read every record with csv-parse, never with the fast reader (tests compare the two). */
  csvParseOnly?: boolean
  /** The largest record parsed, checked by {@link recordLimitOf}. @default MAX_RECORD_BYTES */
  maxRecordBytes?: number
}

/** What the parser hands on, in file order. */
export type ParseOutput =
  | { type: 'warning'; warning: ImportWarning }
  | { type: 'header'; header: ImportHeader }
  | { type: 'record'; line: number; cells: string[] }
  | {
      type: 'batch'
      /** Valid rows, one per SKU: rows of a SKU repeated within the batch are merged. */
      rows: ImportRow[]
      /** Rows merged into an earlier row of the same SKU. */
      duplicates: number
      errors: RowError[]
      /** Data records in this batch, valid or not (blank lines excluded). */
      records: number
      /** Records that are no products by the platform's rules, not counted in `records`. */
      skipped: number
      /** Input bytes consumed so far. */
      bytesRead: number
      /**
       * Where a resume would start after this batch: the file offset and line just past its
       * last record, and the header's length. Absent when offsets in the parser's input are not
       * file offsets (files decoded from a single-byte encoding).
       */
      checkpoint?: { offset: number; line: number; headerBytes: number }
    }

/**
 * A batch also ends once its cells hold this many characters, so wide rows (long descriptions)
 * keep batches, transactions and the worker's heap small whatever the row count.
 */
export const MAX_BATCH_CHARS = 4_000_000

/**
 * The largest record parsed unless `maxRecordBytes` says otherwise. A larger one becomes a row
 * error and is skipped without being held in memory; a header line that large, or a quote
 * still open at the end of the file, fails the import.
 */
export const MAX_RECORD_BYTES = 1 << 20
/** The range `maxRecordBytes` may take: a record is held in memory whole, as bytes and as text. */
export const RECORD_BYTES_RANGE = { min: 1024, max: 64 << 20 } as const

/** `maxRecordBytes` as given, checked against {@link RECORD_BYTES_RANGE}, or the default. */
export function recordLimitOf(maxRecordBytes: number | undefined): number {
  if (maxRecordBytes === undefined) return MAX_RECORD_BYTES
  const { min, max } = RECORD_BYTES_RANGE
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes < min || maxRecordBytes > max) {
    throw new ImporterError(
      'VALIDATION_FAILED',
      `maxRecordBytes must be a whole number from ${min} to ${max}; got ${maxRecordBytes}`,
    )
  }
  return maxRecordBytes
}
const DELIMITERS = [',', ';', '\t', '|']

/**
 * csv-parse's synchronous core, which its stream class wraps. Calling it directly keeps records
 * and line counting in step and skips the stream machinery, 10% of the parse time. The package is
 * pinned to a minor range for this reason.
 */
interface CsvCore {
  /** `bytes`: input offset just past the last record emitted. */
  info: { bytes: number }
  /** `record_delimiter`: the line ends found in the file (csv-parse detects them). */
  options: { record_delimiter: Uint8Array[] }
  parse(
    bytes: Uint8Array | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined
}
const coreOf = (parser: Parser) => (parser as unknown as { api: CsvCore }).api
const NEWLINE = 0x0a
const CR = 0x0d

/** Picks the candidate delimiter that occurs most often, outside quotes, in the header line. */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]))
  let quoted = false
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1)
  }
  let best = ','
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d
  return best
}

function malformed(message: string, line: number, cause?: unknown): ImporterError {
  return new ImporterError('MALFORMED_CSV', `${message} (line ${line})`, {
    cause,
    details: { line },
  })
}

/**
 * A push parser: bytes in, validated product rows out in batches, synchronously. It runs in
 * the parse worker or inline; either way the same code sees the same bytes.
 */
export function createProductParser(options: ParserOptions, emit: (out: ParseOutput) => void) {
  const utf8 = options.encoding === 'utf-8' ? createUtf8Validator() : undefined
  const maxRecordBytes = recordLimitOf(options.maxRecordBytes)
  const decoder = utf8 ? undefined : new TextDecoder(options.encoding)
  // Raw bytes held until the file's signature can be judged (a chunk holds more than enough
  // in practice), then the decoded bytes held until the header line is complete.
  let sniffed: Uint8Array[] | undefined = []
  let sniffedBytes = 0
  let head: Uint8Array[] | undefined = [] // bytes held until the header line is complete
  let headBytes = 0
  let parser: CsvCore | undefined
  let delimiter = ','
  // Input offsets: where the current parser's input starts, how far input went to a parser
  // (or the skipper), and where the record being parsed starts.
  let parserStart = 0
  let fed = 0
  let recordStart = 0
  // Input from `recordStart` on, so that an oversized record can be rescanned from its start.
  let retained: { bytes: Uint8Array; at: number }[] = []
  let skipper: RecordSkipper | undefined
  let skipLine = 0
  let reader: RecordReader | undefined
  let mayHoldNul = false // set once a chunk had a NUL byte: only then are cells searched
  let skippedRecords = 0 // records that are no products by the platform's rules
  let bytesRead = 0
  let nextLine = 1 // line where the next record starts
  let records = 0
  let batchChars = 0
  let totalRecords = 0
  let rows: ImportRow[] = []
  let errors: RowError[] = []

  let stopped = false
  let headerBytes = 0 // parser input up to the end of the header record
  const skippedBytes = options.resume?.skippedBytes ?? 0

  const flush = () => {
    if (records === 0 && skippedRecords === 0) return
    const merged = mergeBatch(rows)
    emit({
      type: 'batch',
      rows: merged.rows,
      duplicates: merged.duplicates,
      errors,
      records,
      skipped: skippedRecords,
      bytesRead: bytesRead + skippedBytes,
      // Every record before `recordStart` is in this batch or an earlier one.
      ...(decoder
        ? {}
        : { checkpoint: { offset: recordStart + skippedBytes, line: nextLine, headerBytes } }),
    })
    rows = []
    errors = []
    records = 0
    skippedRecords = 0
    batchChars = 0
  }

  const rowFailed = (rowErrors: RowError[]) => {
    errors.push(...rowErrors)
    if (options.stopAtFirstError) {
      stopped = true
      flush()
    }
  }

  const onRecord = (record: string[]) => {
    if (stopped) return
    const line = nextLine
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!
      batchChars += cell.length
      if (cell.length > 0 && cell.indexOf('\n') !== -1) {
        for (let p = cell.indexOf('\n'); p !== -1; p = cell.indexOf('\n', p + 1)) nextLine++
      }
    }
    nextLine++
    if (isBlank(record)) return // blank lines, and the ",,,," rows spreadsheets leave
    if (!reader) {
      // A safe export marks itself with a last header column (see formula-guard.ts).
      const guard: FormulaGuard = formulaGuardOf(record)
      reader = createRecordReader(guard === 'undo' ? record.slice(0, -1) : record, {
        ...options,
        delimiter,
        guard,
      })
      emit({ type: 'header', header: reader.header })
      for (const warning of reader.warnings) emit({ type: 'warning', warning })
      headerBytes = recordStart
      if (options.resume) nextLine = options.resume.line
      return
    }
    if (options.keepRecords) emit({ type: 'record', line, cells: record })
    const row = reader.read(record, line, mayHoldNul)
    if (row === null) {
      skippedRecords++
      return
    }
    records++
    totalRecords++
    if (Array.isArray(row)) {
      rowFailed(row)
      if (stopped) return
    } else rows.push(row)
    if (records >= options.batchSize || batchChars >= MAX_BATCH_CHARS) flush()
  }

  const onParsed = (record: string[]) => {
    recordStart = parserStart + parser!.info.bytes
    onRecord(record)
  }

  // Well-formed CSV is read by the fast reader until it meets something it leaves to csv-parse.
  let fast = !options.csvParseOnly
  /**
   * A parser from the current input offset on. `ending` is the line ending an earlier parser of
   * the file found, for one that reads on where that one stopped; a parser after a skipped
   * record finds its own.
   */
  const newParser = (ending?: string) => {
    parserStart = fed
    recordStart = fed
    const bom = fed === 0 // a parser started after a skipped record starts mid-file
    parser =
      fast && /^[,;\t|]$/.test(delimiter)
        ? createFastRecords({ delimiter, bom, maxRecordBytes: maxRecordBytes / 2 })
        : coreOf(
            new Parser({
              delimiter,
              bom,
              relax_column_count: true,
              relax_quotes: true,
              max_record_size: maxRecordBytes,
              ...(ending ? { record_delimiter: ending } : {}),
            }),
          )
  }

  /** csv-parse reads on from the record the fast reader stopped at. */
  const handOver = (end: boolean) => {
    fast = false
    const found = parser!.options.record_delimiter[0]
    const rest = retained
      .filter(({ bytes, at }) => at + bytes.length > recordStart)
      .map(({ bytes, at }) => bytes.subarray(Math.max(0, recordStart - at)))
    retained = []
    fed = recordStart
    newParser(found && Buffer.from(found).toString())
    for (const part of rest) feed(part, false)
    if (end) feed(undefined, true)
  }

  // The oversized record ended after `lines` line ends: one row error, then a fresh parser.
  const skipped = (lines: number) => {
    skipper = undefined
    nextLine += lines
    newParser()
    if (stopped) return
    records++
    totalRecords++
    rowFailed([
      {
        line: skipLine,
        sku: null,
        column: null,
        value: null,
        message: `the record is larger than ${maxRecordBytes} bytes, the most one row may hold; it was skipped`,
      },
    ])
    if (!stopped && records >= options.batchSize) flush()
  }

  const feed = (input: Uint8Array | undefined, end: boolean): void => {
    let bytes = input
    if (skipper) {
      const found = bytes ? skipper.scan(bytes) : undefined
      if (found) {
        fed += found.offset
        skipped(found.lines)
        bytes = bytes!.subarray(found.offset)
      } else {
        fed += bytes?.length ?? 0
        if (!end) return
        if (skipper.quoting) throw malformed('a quoted field is never closed', skipLine)
        skipped(skipper.lines)
        bytes = undefined
      }
    }
    if (bytes) {
      retained.push({ bytes, at: fed })
      fed += bytes.length
    }
    const error = parser!.parse(bytes, end, onParsed, () => {})
    if (error === HANDOVER) {
      handOver(end)
      return
    }
    if (!error) {
      while (retained.length > 0 && retained[0]!.at + retained[0]!.bytes.length <= recordStart) {
        retained.shift()
      }
      return
    }
    if (error instanceof ImporterError) throw error
    const code = error instanceof CsvError ? error.code : ''
    if (code === 'CSV_MAX_RECORD_SIZE' && reader) {
      // Rescan the record from its start, dropping it, and parse on from where it ends.
      const rest = retained
        .filter(({ bytes, at }) => at + bytes.length > recordStart)
        .map(({ bytes, at }) => bytes.subarray(Math.max(0, recordStart - at)))
      retained = []
      fed = recordStart
      const bareCr = parser!.options.record_delimiter.some((d) => d.length === 1 && d[0] === CR)
      skipper = createRecordSkipper(Buffer.from(delimiter)[0]!, bareCr ? CR : NEWLINE)
      skipLine = nextLine
      for (const part of rest) feed(part, false)
      if (end) feed(undefined, true)
      return
    }
    if (code === 'CSV_MAX_RECORD_SIZE') {
      // No reader yet: the record is the header. csv-parse knows whether it is inside quotes.
      const quoting = (parser as { state?: { quoting?: boolean } }).state?.quoting === true
      throw malformed(
        quoting
          ? `the header line is longer than ${maxRecordBytes} bytes because a quote in it is never closed; close the quote`
          : `the header line is longer than ${maxRecordBytes} bytes, the most one line may hold; ` +
              'raise the limit with the maxRecordBytes option (--max-record-bytes)',
        nextLine,
        error,
      )
    }
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      throw malformed('a quoted field is never closed', nextLine, error)
    }
    throw malformed(`the file is not valid CSV: ${error.message}`, nextLine, error)
  }

  const start = (bytes: Uint8Array) => {
    refuseBinary(bytes)
    const firstLine = Buffer.from(bytes.subarray(0, 65536)).toString('utf8').split('\n')[0] ?? ''
    delimiter = options.delimiter ?? detectDelimiter(firstLine)
    newParser()
  }

  const write = (chunk: Uint8Array) => {
    if (!mayHoldNul && chunk.includes(0)) mayHoldNul = true
    let bytes = chunk
    if (decoder) bytes = Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8')
    else utf8!.push(chunk)
    if (head) {
      head.push(bytes)
      headBytes += bytes.length
      if (!bytes.includes(NEWLINE) && headBytes < 65536) return
      bytes = Buffer.concat(head)
      head = undefined
      start(bytes)
    }
    feed(bytes, false)
  }

  const endSniffing = () => {
    const start = Buffer.concat(sniffed!)
    sniffed = undefined
    refuseSignature(start)
    if (start.length > 0) write(start)
  }

  return {
    /** Parses the next chunk of input. */
    push(chunk: Uint8Array): void {
      bytesRead += chunk.length
      if (!sniffed) {
        write(chunk)
        return
      }
      sniffed.push(chunk)
      sniffedBytes += chunk.length
      if (sniffedBytes >= SIGNATURE_BYTES) endSniffing()
    },
    /** Parses what is left and emits the last batch. */
    end(): void {
      if (sniffed) endSniffing()
      utf8?.end()
      if (decoder) {
        const rest = decoder.decode()
        if (rest) write(Buffer.from(rest, 'utf8'))
      }
      if (head) {
        const bytes = Buffer.concat(head)
        head = undefined
        if (
          Buffer.from(bytes)
            .toString('utf8')
            .replace(/^\uFEFF/, '')
            .trim() === ''
        ) {
          throw new ImporterError('EMPTY_FILE', 'the file is empty')
        }
        start(bytes)
        feed(bytes, false)
      }
      feed(undefined, true)
      if (!reader) throw new ImporterError('EMPTY_FILE', 'the file is empty')
      for (const warning of reader.finish()) emit({ type: 'warning', warning })
      if (totalRecords === 0) {
        emit({
          type: 'warning',
          warning: { code: 'NO_ROWS', message: 'the file has a header but no rows' },
        })
      }
      flush()
    },
  }
}

function isBlank(record: readonly string[]): boolean {
  for (const cell of record) if (cell !== '' && cell.trim() !== '') return false
  return true
}
