/**
 * The records of well-formed CSV, read straight from the bytes: quoted fields are found with the
 * native `indexOf`, other fields with a plain byte loop, and each cell is one UTF-8 slice. It
 * reads what csv-parse reads, exactly as csv-parse (with the parser's options) would, at about a
 * third of its cost, and stops short of everything else: a quote inside an unquoted field or
 * after a closing one, a line ending other than the file's (LF or CRLF), a bare CR, a quote
 * still open at the end, a long record. There it answers {@link HANDOVER}, having emitted every
 * record before that point, and csv-parse reads the rest of the file.
 */

/** The answer of `parse` where csv-parse must read on from the last record emitted. */
export const HANDOVER = new Error('the rest of the file is read by csv-parse')

const QUOTE = 0x22
const LF = 0x0a
const CR = 0x0d
const BOM = [0xef, 0xbb, 0xbf]

/** Line endings of the file: unknown until the first one outside quotes. */
type Ending = 'unknown' | 'lf' | 'crlf'

/**
 * The same interface as csv-parse's synchronous core (see parse.ts): `info.bytes` is the input
 * offset just past the last record emitted, set before it is pushed.
 */
export function createFastRecords(options: {
  delimiter: string
  bom: boolean
  /** Records longer than this many bytes are left to csv-parse. */
  maxRecordBytes: number
}) {
  const delimiter = options.delimiter.charCodeAt(0)
  let tail: Buffer | undefined // input after the last record emitted
  let consumed = 0 // input bytes before `tail`
  let ending: Ending = 'unknown'
  let bomChecked = !options.bom
  const info = { bytes: 0 }
  const recordDelimiter: Uint8Array[] = []

  /**
   * Reads the records complete in `buf` from `start`. Returns the offset where the unread rest
   * starts, or -1 to hand over (the rest from `info.bytes` on).
   */
  function read(buf: Buffer, start: number, end: boolean, push: (r: string[]) => void): number {
    const length = buf.length
    const limit = options.maxRecordBytes
    let record = start
    let at = start
    let cells: string[] = []
    // More input is needed to finish the record; one that outgrows the limit is csv-parse's.
    const wait = () => (length - record > limit ? -1 : record)
    for (;;) {
      let next: number // the byte after the field
      if (at < length && buf[at] === QUOTE) {
        let value = ''
        let from = at + 1
        for (;;) {
          const quote = buf.indexOf(QUOTE, from)
          if (quote === -1) return end ? -1 : wait()
          if (quote + 1 === length && !end) return wait()
          if (buf[quote + 1] === QUOTE) {
            value += buf.toString('utf8', from, quote + 1)
            from = quote + 2
            continue
          }
          value += buf.toString('utf8', from, quote)
          next = quote + 1
          break
        }
        cells.push(value)
      } else {
        let i = at
        for (; i < length; i++) {
          const c = buf[i]!
          if (c === delimiter || c === LF || c === CR) break
          if (c === QUOTE) return -1
        }
        if (i === length && !end) return wait()
        cells.push(buf.toString('utf8', at, i))
        next = i
      }
      if (next - record > limit) return -1
      // What follows the field: a delimiter, the line ending, or the end of the input.
      if (next === length) {
        if (!end) return wait()
        info.bytes = consumed + next
        push(cells)
        return next
      }
      const c = buf[next]!
      if (c === delimiter) {
        at = next + 1
        continue
      }
      let after: number
      if (c === LF) {
        if (ending === 'crlf') return -1
        if (ending === 'unknown') discover('lf')
        after = next + 1
      } else if (c === CR) {
        if (next + 1 === length && !end) return wait()
        if (buf[next + 1] !== LF || ending === 'lf') return -1
        if (ending === 'unknown') discover('crlf')
        after = next + 2
      } else return -1 // a character after a closing quote
      info.bytes = consumed + after
      push(cells)
      cells = []
      record = after
      at = after
      if (at === length) return at
    }
  }

  function discover(found: Exclude<Ending, 'unknown'>) {
    ending = found
    recordDelimiter.push(Buffer.from(found === 'lf' ? '\n' : '\r\n'))
  }

  return {
    info,
    options: { record_delimiter: recordDelimiter },
    parse(
      bytes: Uint8Array | undefined,
      end: boolean,
      push: (record: string[]) => void,
      _close: () => void,
    ): Error | undefined {
      let buf: Buffer
      if (tail && tail.length > 0) buf = bytes ? Buffer.concat([tail, bytes]) : tail
      else if (bytes) buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      else buf = Buffer.alloc(0)
      let start = 0
      if (!bomChecked) {
        if (buf.length < BOM.length && !end) {
          tail = buf
          return undefined
        }
        bomChecked = true
        if (BOM.every((b, i) => buf[i] === b)) start = BOM.length
      }
      if (start === buf.length && end) return undefined
      const rest = read(buf, start, end, push)
      if (rest === -1) {
        tail = undefined
        return HANDOVER
      }
      consumed += rest
      tail = buf.subarray(rest)
      return undefined
    },
  }
}
