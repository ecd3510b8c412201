import { ImporterError, type ImporterErrorCode } from '../errors.js'

/** Raw bytes of a file's start {@link refuseSignature} needs: the longest signature. */
export const SIGNATURE_BYTES = 4
/** Bytes of the file's head in which {@link refuseBinary} counts NUL bytes. */
const NUL_SCAN_BYTES = 8192

// What a file that is no CSV text starts with, and what to do instead.
const SIGNATURES: readonly {
  magic: readonly number[]
  code: ImporterErrorCode
  message: string
}[] = [
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    code: 'MALFORMED_CSV',
    message: 'the file is a ZIP archive (an .xlsx workbook?), not CSV text; save it as CSV',
  },
  {
    magic: [0x1f, 0x8b],
    code: 'MALFORMED_CSV',
    message: 'the file is gzip-compressed, not CSV text; decompress it (gunzip) and send the CSV',
  },
  {
    magic: [0xff, 0xfe],
    code: 'INVALID_ENCODING',
    message: 'the file is UTF-16; save it as UTF-8 (or Windows-1252) and import it again',
  },
  {
    magic: [0xfe, 0xff],
    code: 'INVALID_ENCODING',
    message: 'the file is UTF-16; save it as UTF-8 (or Windows-1252) and import it again',
  },
]

// The parser (parse.ts) runs both checks on every path that reads a file: import, inspect and
// resume, in the worker or inline, whatever the encoding asked for.

/**
 * Refuses a file whose first raw bytes say it is no CSV text: a ZIP archive (an .xlsx
 * workbook), a gzip-compressed file, UTF-16. Runs before any decoding or UTF-8 check, so that a
 * workbook never reads as invalid UTF-8 or as Windows-1252 gibberish.
 */
export function refuseSignature(start: Uint8Array): void {
  for (const { magic, code, message } of SIGNATURES) {
    if (magic.every((byte, i) => start[i] === byte)) throw new ImporterError(code, message)
  }
}

/**
 * Refuses a file full of NUL bytes early on (spreadsheets, images), from its decoded head. A
 * stray NUL in a cell is that row's problem, not the file's.
 */
export function refuseBinary(head: Uint8Array): void {
  const start = head.subarray(0, NUL_SCAN_BYTES)
  let nul = 0
  for (let at = start.indexOf(0); at !== -1; at = start.indexOf(0, at + 1)) nul++
  if (nul >= 8 && nul * 100 >= start.length) {
    throw new ImporterError(
      'MALFORMED_CSV',
      'the file is binary, not CSV text (it is full of NUL bytes)',
    )
  }
}
