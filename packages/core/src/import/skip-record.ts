// Finds where a record too large to parse ends, without keeping any of it, so the import can
// report it as one row error and go on with the next record. It reads quotes the way
// csv-parse does with `relax_quotes`: a quote opens a quoted field only at the start of a field,
// `""` inside one is a literal quote, and a quote closes the field when a delimiter, a line end
// or the end of the file follows it (any other character after it ends the quoting too, and
// the quote is text). Records end at a line feed (which also ends CRLF lines), or at a carriage
// return in files whose lines end with a bare one.

const QUOTE = 0x22
const LF = 0x0a

/** Where a skipped record ended, as {@link RecordSkipper.scan} reports it. */
export interface SkipEnd {
  /** Offset in the scanned bytes just past the record's line end. */
  offset: number
  /** Line ends inside the record and the one that ended it. */
  lines: number
}

/** A scanner over the bytes of one record, fed chunk by chunk. */
export interface RecordSkipper {
  /** Scans the next bytes; says where the record ended in them, or `undefined` to read on. */
  scan(bytes: Uint8Array): SkipEnd | undefined
  /** True while inside a quoted field: at the end of the file, the quote was never closed. */
  readonly quoting: boolean
  /** Line ends seen so far inside the record. */
  readonly lines: number
}

/**
 * A skipper starting at the first byte of a record, for a one-byte `delimiter`. `lineEnd` is
 * the byte that ends records in this file: LF, or CR in files with bare CR line ends.
 */
export function createRecordSkipper(delimiter: number, lineEnd: number = LF): RecordSkipper {
  let quoting = false
  let fieldStarted = false
  let lines = 0
  // A quote inside a quoted field was the last byte of a chunk: the next byte tells what it was.
  let pendingQuote = false

  const scan = (bytes: Uint8Array): SkipEnd | undefined => {
    let i = 0
    if (pendingQuote) {
      pendingQuote = false
      i = afterQuote(bytes, 0)
    }
    while (i < bytes.length) {
      if (quoting) {
        const next = bytes.indexOf(QUOTE, i)
        const until = next === -1 ? bytes.length : next
        for (let p = bytes.indexOf(LF, i); p !== -1 && p < until; p = bytes.indexOf(LF, p + 1)) {
          lines++
        }
        if (next === -1) return undefined
        if (next + 1 === bytes.length) {
          pendingQuote = true
          return undefined
        }
        i = afterQuote(bytes, next + 1)
        continue
      }
      const byte = bytes[i]!
      if (byte === lineEnd) return { offset: i + 1, lines: lines + 1 }
      if (byte === LF) lines++
      if (byte === delimiter) fieldStarted = false
      else if (byte === QUOTE && !fieldStarted) quoting = true
      else fieldStarted = true
      i++
    }
    return undefined
  }

  // Decides what a quote inside a quoted field was, looking at the byte at `i` after it.
  const afterQuote = (bytes: Uint8Array, i: number): number => {
    if (bytes[i] === QUOTE) return i + 1 // an escaped quote: still quoting
    quoting = false
    fieldStarted = true
    return i
  }

  return {
    scan,
    get quoting() {
      // A quote the file ends with closes its field.
      return quoting && !pendingQuote
    },
    get lines() {
      return lines
    },
  }
}
