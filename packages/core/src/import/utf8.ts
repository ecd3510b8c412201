import { isUtf8 } from 'node:buffer'
import { ImporterError } from '../errors.js'

/** Expected length of a UTF-8 sequence from its lead byte; 0 for a byte that cannot lead. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1
  if (lead >= 0xc2 && lead <= 0xdf) return 2
  if (lead >= 0xe0 && lead <= 0xef) return 3
  if (lead >= 0xf0 && lead <= 0xf4) return 4
  return 0
}

/** Offset of the first byte that is not valid UTF-8 (a slow scan, only run once it failed). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes[i]!)
    if (n === 0) return i
    if (i + n > bytes.length) return i
    if (!isUtf8(bytes.subarray(i, i + n))) return i
    i += n
  }
  return -1
}

/**
 * Checks a byte stream chunk by chunk, carrying a multi-byte character split across chunks to
 * the next one. Throws INVALID_ENCODING naming the byte offset of the first bad byte.
 */
export function createUtf8Validator() {
  let carry: Uint8Array = new Uint8Array(0)
  let offset = 0 // bytes before `carry`

  const fail = (bytes: Uint8Array, at: number): never => {
    const position = offset + at
    const byte = bytes[at]
    throw new ImporterError(
      'INVALID_ENCODING',
      `the file is not valid UTF-8: byte 0x${(byte ?? 0).toString(16).padStart(2, '0')} at byte offset ${position}. If it is Latin-1 or Windows-1252, import it with encoding "windows-1252".`,
      { details: { offset: position } },
    )
  }

  return {
    push(chunk: Uint8Array): void {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk
      // Keep back an incomplete sequence at the end.
      let keep = 0
      for (let back = 1; back <= 3 && back <= bytes.length; back++) {
        const b = bytes[bytes.length - back]!
        if (b >= 0xc0) {
          if (sequenceLength(b) > back) keep = back
          break
        }
        if (b < 0x80) break
      }
      const whole = bytes.subarray(0, bytes.length - keep)
      if (!isUtf8(whole)) fail(whole, firstInvalidUtf8(whole))
      offset += whole.length
      carry = bytes.slice(bytes.length - keep)
    },
    end(): void {
      if (carry.length > 0) fail(carry, 0)
    },
  }
}
